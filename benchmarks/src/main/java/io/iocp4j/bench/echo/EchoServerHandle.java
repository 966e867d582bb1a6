package io.iocp4j.bench.echo;

/** A running echo server of any kind: the port it listens on, and how to stop it. */
interface EchoServerHandle extends AutoCloseable {
    int port() throws Exception;

    @Override
    void close() throws Exception;
}
