package io.iocp4j.examples.web;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The request parser, the path decoding and the content types on their own, byte by byte. */
class WebServerRequestParsingTest {
    private final HttpRequest r = new HttpRequest();

    private int parse(String text) {
        byte[] b = ("xyz" + text).getBytes(StandardCharsets.ISO_8859_1);  // not at offset 0
        return RequestParser.parse(b, 3, b.length, r);
    }

    @Test
    void completeHeadsAndWhatTheyTake() {
        String get = "GET /a/b.txt?q=1 HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive, Upgrade\r\n\r\n";
        assertEquals(RequestParser.COMPLETE, parse(get + "GET /next"));
        assertEquals(get.length(), r.length, "only this head, not the pipelined bytes after it");
        assertEquals(HttpRequest.Method.GET, r.method);
        assertEquals("/a/b.txt", r.path);
        assertTrue(r.keepAlive());
        assertEquals(RequestParser.COMPLETE, parse("\r\n\r\nHEAD / HTTP/1.0\nConnection: close\n\n"));
        assertEquals(HttpRequest.Method.HEAD, r.method);
        assertEquals(0, r.minorVersion);
        assertFalse(r.keepAlive());
        assertEquals(RequestParser.COMPLETE, parse("GET / HTTP/1.0\r\nCONNECTION:keep-alive\r\n\r\n"));
        assertTrue(r.keepAlive());
        assertEquals(RequestParser.COMPLETE, parse("GET / HTTP/1.1\r\nconnection: close\r\n\r\n"));
        assertFalse(r.keepAlive());
        assertEquals(RequestParser.COMPLETE, parse("PATCH / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
        assertEquals(HttpRequest.Method.OTHER, r.method);
        assertTrue(r.keepAlive(), "an empty body needs no closing");
        assertEquals(RequestParser.COMPLETE, parse("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertFalse(r.keepAlive(), "a body is not read: the connection must close");
    }

    @Test
    void everyPrefixOfAHeadIsIncomplete() {
        String head = "GET /x HTTP/1.1\r\nHost: y\r\nAccept: */*\r\n\r\n";
        for (int n = 0; n < head.length(); n++) {
            assertEquals(RequestParser.INCOMPLETE, parse(head.substring(0, n)), "prefix of " + n);
        }
        assertEquals(RequestParser.COMPLETE, parse(head));
    }

    @Test
    void malformedAndOversized() {
        assertEquals(RequestParser.INVALID, parse("GET /x HTTP/1.1 \r\n\r\n"));
        assertEquals(400, r.errorStatus);
        assertEquals(RequestParser.INVALID, parse("GET  /x HTTP/1.1\r\n\r\n"));
        assertEquals(RequestParser.INVALID, parse("GET /x HTTP/3.0\r\n\r\n"));
        assertEquals(505, r.errorStatus);
        assertEquals(RequestParser.INVALID, parse("GET /x HTTP/1.1\r\n: empty name\r\n\r\n"));
        assertEquals(RequestParser.INVALID, parse("GET /\u00e9 HTTP/1.1\r\n\r\n"), "raw non-ASCII");
        assertEquals(RequestParser.INVALID, parse("GET /x HTTP/1.1\r\nX: " + "a".repeat(9000)));
        assertEquals(431, r.errorStatus, "no end of headers within the limit");
        assertEquals(RequestParser.INVALID, parse("GET /" + "a".repeat(9000)));
        assertEquals(414, r.errorStatus);
        String atLimit = "GET / HTTP/1.1\r\nX: ";
        atLimit += "a".repeat(RequestParser.MAX_HEAD - atLimit.length() - 4) + "\r\n\r\n";
        assertEquals(RequestParser.MAX_HEAD, atLimit.length());
        assertEquals(RequestParser.COMPLETE, parse(atLimit), "exactly the limit is allowed");
        assertEquals(RequestParser.INVALID, parse(atLimit.replace("X: ", "X: a")), "one byte more is not");
    }

    @Test
    void pathsAreDecodedThenNormalized() {
        assertEquals("a/b c", RequestTarget.relativePath("/a/b%20c"));
        assertEquals("", RequestTarget.relativePath("/"));
        assertEquals("b", RequestTarget.relativePath("/a/../b/."));
        assertEquals("caf\u00e9", RequestTarget.relativePath("/caf%C3%A9"));
        assertSame(RequestTarget.ESCAPES, RequestTarget.relativePath("/.."));
        assertSame(RequestTarget.ESCAPES, RequestTarget.relativePath("/a/%2e%2e/%2E%2E/etc"));
        assertSame(RequestTarget.ESCAPES, RequestTarget.relativePath("/a%2f..%2f..%2fetc"));
        assertSame(RequestTarget.MALFORMED, RequestTarget.relativePath("/%g0"));
        assertSame(RequestTarget.MALFORMED, RequestTarget.relativePath("/a%"));
        assertSame(RequestTarget.MALFORMED, RequestTarget.relativePath("/a%00"));
    }

    @Test
    void contentTypes() {
        assertEquals("text/html; charset=utf-8", MimeTypes.of("/x/index.html"));
        assertEquals("image/jpeg", MimeTypes.of("a.JPG"));
        assertEquals("application/octet-stream", MimeTypes.of("/x.d/README"));
        assertEquals("application/octet-stream", MimeTypes.of(".bashrc"));
        assertEquals("application/octet-stream", MimeTypes.of("archive.tar.zst"));
    }
}
