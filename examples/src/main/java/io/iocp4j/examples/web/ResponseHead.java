package io.iocp4j.examples.web;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes a response's status line and headers, as ASCII, into a connection's native head buffer. The head is
 * composed in a heap array and copied in one go by {@link #finish()}; both are reused for every response.
 */
final class ResponseHead {
    private final MemorySegment buf;
    private final byte[] bytes;
    private int position;

    ResponseHead(MemorySegment buf) {
        this.buf = buf;
        this.bytes = new byte[(int) buf.byteSize()];
    }

    /** Starts a new head: {@code HTTP/1.1 <status> <reason>}, Server and Date. */
    ResponseHead status(int status) {
        position = 0;
        text("HTTP/1.1 ").number(status).text(" ").text(reason(status)).text("\r\n");
        text("Server: iocp4j\r\nDate: ");
        byte[] date = HttpDate.now();
        System.arraycopy(date, 0, bytes, position, date.length);
        position += date.length;
        return text("\r\n");
    }

    ResponseHead header(String name, String value) {
        return text(name).text(": ").text(value).text("\r\n");
    }

    ResponseHead contentLength(long length) {
        return text("Content-Length: ").number(length).text("\r\n");
    }

    /** {@code Connection: close}, or {@code keep-alive} where HTTP/1.0 needs it said. */
    ResponseHead connection(boolean keepAlive, int minorVersion) {
        if (!keepAlive) {
            return header("Connection", "close");
        }
        return minorVersion == 0 ? header("Connection", "keep-alive") : this;
    }

    /** Ends the head with the empty line. */
    ResponseHead end() {
        return text("\r\n");
    }

    /** Appends body text (short error messages only: it shares the head buffer). */
    ResponseHead body(String text) {
        return text(text);
    }

    /** Copies the head into the native buffer; returns its length, what the WSASend must send. */
    int finish() {
        MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, position);
        return position;
    }

    private ResponseHead text(String s) {
        for (int i = 0; i < s.length(); i++) {
            bytes[position++] = (byte) s.charAt(i);
        }
        return this;
    }

    private ResponseHead number(long n) {
        if (n >= 10) {
            number(n / 10);
        }
        bytes[position++] = (byte) ('0' + n % 10);
        return this;
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 505 -> "HTTP Version Not Supported";
            default -> "Unknown";
        };
    }
}
