package io.iocp4j.examples.web;

/**
 * One parsed request head, reused by its connection for every request (the parser fills it). Only what a static
 * file server acts on is kept: the method, the target's path part, the version and the connection semantics.
 */
final class HttpRequest {
    enum Method { GET, HEAD, OTHER }

    Method method;
    /** The request target up to (not including) any '?' or '#', still percent-encoded. */
    String path;
    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    int minorVersion;
    /** Whether the client asked to close (Connection: close) or, on HTTP/1.0, to keep the connection. */
    boolean closeRequested;
    boolean keepAliveRequested;
    /** A body follows the head (Content-Length > 0 or Transfer-Encoding): the server answers and closes. */
    boolean hasBody;
    /** Bytes of the buffer this request's head took, leading blank lines included. */
    int length;
    /** When the parser rejects the head: the status to answer with (400, 414, 431, 505). */
    int errorStatus;

    void reset() {
        method = null;
        path = null;
        minorVersion = 0;
        closeRequested = false;
        keepAliveRequested = false;
        hasBody = false;
        length = 0;
        errorStatus = 0;
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless asked to keep it (RFC 9112 9.3). */
    boolean keepAlive() {
        if (closeRequested || hasBody) {
            return false;
        }
        return minorVersion >= 1 || keepAliveRequested;
    }
}
