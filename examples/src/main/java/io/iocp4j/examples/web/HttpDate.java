package io.iocp4j.examples.web;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The Date header value (RFC 9110 IMF-fixdate), formatted at most once a second and shared by every response. */
final class HttpDate {
    private record Stamp(long second, byte[] text) {
    }

    private static volatile Stamp current = new Stamp(-1, new byte[0]);

    private HttpDate() {
    }

    /** The current date as ASCII bytes; callers must not modify the array. */
    static byte[] now() {
        long second = System.currentTimeMillis() / 1000;
        Stamp s = current;
        if (s.second != second) {
            String text = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second), ZoneOffset.UTC));
            s = new Stamp(second, text.getBytes(StandardCharsets.US_ASCII));
            current = s;
        }
        return s.text;
    }
}
