package io.iocp4j.examples.echo;

import java.io.IOException;

/** A running echo server, of whichever kind: the port it listens on; closing it stops it. */
public interface EchoServer extends AutoCloseable {
    int port() throws IOException;
}
