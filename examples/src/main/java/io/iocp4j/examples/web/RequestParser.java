package io.iocp4j.examples.web;

import java.nio.charset.StandardCharsets;

/**
 * Parses one HTTP/1.x request head (RFC 9112) from the bytes a connection received. The head may not be longer
 * than {@link #MAX_HEAD} bytes, so a connection's memory stays bounded: a request line that long is refused with
 * 414, headers with 431.
 */
final class RequestParser {
    static final int MAX_HEAD = 8 * 1024;

    /** {@link #parse} results. */
    static final int INCOMPLETE = 0;
    static final int COMPLETE = 1;
    static final int INVALID = -1;

    private RequestParser() {
    }

    /**
     * Parses the head that starts at {@code from} in {@code buf}, whose received bytes end at {@code to}. COMPLETE
     * fills {@code r} (its {@code length} is how many bytes the head took); INCOMPLETE means more bytes are needed;
     * INVALID sets {@code r.errorStatus}.
     */
    static int parse(byte[] buf, int from, int to, HttpRequest r) {
        r.reset();
        int limit = Math.min(to, from + MAX_HEAD);
        int p = from;
        while (p < limit && (byteAt(buf, p) == '\r' || byteAt(buf, p) == '\n')) {
            p++;  // blank lines before a request are ignored (RFC 9112 2.2)
        }
        int eol = indexOf(buf, (byte) '\n', p, limit);
        if (eol < 0) {
            return to - from >= MAX_HEAD ? invalid(r, 414) : INCOMPLETE;
        }
        if (!requestLine(buf, p, trimCr(buf, p, eol), r)) {
            return INVALID;
        }
        for (p = eol + 1;; p = eol + 1) {
            eol = indexOf(buf, (byte) '\n', p, limit);
            if (eol < 0) {
                return to - from >= MAX_HEAD ? invalid(r, 431) : INCOMPLETE;
            }
            int end = trimCr(buf, p, eol);
            if (end == p) {
                r.length = eol + 1 - from;
                return COMPLETE;
            }
            if (!header(buf, p, end, r)) {
                return INVALID;
            }
        }
    }

    /** {@code method SP request-target SP HTTP/1.x}, nothing else. */
    private static boolean requestLine(byte[] buf, int p, int end, HttpRequest r) {
        int sp1 = indexOf(buf, (byte) ' ', p, end);
        if (sp1 <= p || !isToken(buf, p, sp1)) {
            return reject(r, 400);
        }
        int sp2 = indexOf(buf, (byte) ' ', sp1 + 1, end);
        if (sp2 <= sp1 + 1 || byteAt(buf, sp1 + 1) != '/') {
            return reject(r, 400);  // origin-form only: a path starting with '/'
        }
        int pathEnd = sp2;
        for (int i = sp1 + 1; i < sp2; i++) {
            byte c = byteAt(buf, i);
            if (c <= 0x20 || c == 0x7F) {
                return reject(r, 400);  // controls, or bytes >= 0x80 (sign bit) are not allowed raw
            }
            if ((c == '?' || c == '#') && pathEnd == sp2) {
                pathEnd = i;
            }
        }
        if (end - sp2 != 9 || !startsWith(buf, sp2 + 1, "HTTP/") || !isDigit(byteAt(buf, sp2 + 6))
                || byteAt(buf, sp2 + 7) != '.' || !isDigit(byteAt(buf, sp2 + 8))) {
            return reject(r, 400);
        }
        if (byteAt(buf, sp2 + 6) != '1') {
            return reject(r, 505);
        }
        r.minorVersion = byteAt(buf, sp2 + 8) == '0' ? 0 : 1;
        r.method = sp1 - p == 3 && startsWith(buf, p, "GET") ? HttpRequest.Method.GET
                : sp1 - p == 4 && startsWith(buf, p, "HEAD") ? HttpRequest.Method.HEAD : HttpRequest.Method.OTHER;
        r.path = ascii(buf, sp1 + 1, pathEnd);
        return true;
    }

    /** {@code name: OWS value OWS}; only Connection, Content-Length and Transfer-Encoding matter here. */
    private static boolean header(byte[] buf, int p, int end, HttpRequest r) {
        int colon = indexOf(buf, (byte) ':', p, end);
        if (colon <= p || !isToken(buf, p, colon)) {
            return reject(r, 400);  // no name, whitespace before the colon, or obsolete line folding
        }
        int v = colon + 1;
        while (v < end && isBlank(byteAt(buf, v))) {
            v++;
        }
        int ve = end;
        while (ve > v && isBlank(byteAt(buf, ve - 1))) {
            ve--;
        }
        int nameLength = colon - p;
        if (nameLength == 10 && equalsIgnoreCase(buf, p, "connection")) {
            for (String option : ascii(buf, v, ve).split(",")) {
                String o = option.strip();
                r.closeRequested |= o.equalsIgnoreCase("close");
                r.keepAliveRequested |= o.equalsIgnoreCase("keep-alive");
            }
        } else if (nameLength == 14 && equalsIgnoreCase(buf, p, "content-length")) {
            if (v == ve) {
                return reject(r, 400);
            }
            for (int i = v; i < ve; i++) {
                byte c = byteAt(buf, i);
                if (!isDigit(c)) {
                    return reject(r, 400);
                }
                r.hasBody |= c != '0';
            }
        } else if (nameLength == 17 && equalsIgnoreCase(buf, p, "transfer-encoding")) {
            r.hasBody = true;
        }
        return true;
    }

    private static int invalid(HttpRequest r, int status) {
        r.errorStatus = status;
        return INVALID;
    }

    /** Records the status for a rejected head; false, for the line parsers to return. */
    private static boolean reject(HttpRequest r, int status) {
        r.errorStatus = status;
        return false;
    }

    private static byte byteAt(byte[] buf, int i) {
        return buf[i];
    }

    private static int indexOf(byte[] buf, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (byteAt(buf, i) == b) {
                return i;
            }
        }
        return -1;
    }

    /** The end of the line that ends at the LF {@code eol}, without its CR. */
    private static int trimCr(byte[] buf, int start, int eol) {
        return eol > start && byteAt(buf, eol - 1) == '\r' ? eol - 1 : eol;
    }

    private static boolean startsWith(byte[] buf, int p, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (byteAt(buf, p + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} is lower case. */
    private static boolean equalsIgnoreCase(byte[] buf, int p, String s) {
        for (int i = 0; i < s.length(); i++) {
            int c = byteAt(buf, p + i);
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 token characters. */
    private static boolean isToken(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = byteAt(buf, i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)
                    || (c > 0x20 && c < 0x7F && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    private static String ascii(byte[] buf, int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
