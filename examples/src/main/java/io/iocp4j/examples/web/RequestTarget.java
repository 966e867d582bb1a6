package io.iocp4j.examples.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns a request path ({@code /a/b%20c/../d}) into the relative file path it names under the document root
 * ({@code a/d}): percent-decoding first, so that {@code %2e%2e} and {@code %2f} cannot hide a step up, then
 * removing {@code .} and {@code ..} segments. A path that would climb above the root is refused.
 */
final class RequestTarget {
    /** The path is malformed (bad escape, NUL byte): answer 400. */
    static final String MALFORMED = new String("malformed");
    /** The path climbs above the root: answer 403. */
    static final String ESCAPES = new String("escapes");

    private RequestTarget() {
    }

    /**
     * The normalized relative path ("" for the root itself), or {@link #MALFORMED} or {@link #ESCAPES} (compare
     * by identity).
     */
    static String relativePath(String encodedPath) {
        String decoded = percentDecode(encodedPath);
        if (decoded == null) {
            return MALFORMED;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String s : decoded.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (segments.isEmpty()) {
                    return ESCAPES;
                }
                segments.removeLast();
            } else {
                segments.addLast(s);
            }
        }
        return String.join("/", segments);
    }

    /** RFC 3986 percent-decoding to UTF-8; null for a truncated or non-hex escape, or an encoded NUL. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.write(c);
                continue;
            }
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (lo < 0 || (hi | lo) == 0) {
                return null;
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
