package io.iocp4j.cli;

import io.iocp4j.examples.echo.IocpEchoServer;

/** {@code ./iocp4j echo-server --port P [--threads N] [--bind ADDR]}: runs until interrupted. */
final class EchoServerCommand implements Main.Command {
    @Override
    public String summary() {
        return "IOCP echo server: --port P [--threads N] [--bind 127.0.0.1]";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options(args, "port", "threads", "bind");
        int threads = o.number("threads", Runtime.getRuntime().availableProcessors() * 2);
        IocpEchoServer server = new IocpEchoServer(o.text("bind", "127.0.0.1"), o.required("port"), threads);
        System.out.println("echo server on " + o.text("bind", "127.0.0.1") + ":" + server.port() + ", " + threads
                + " worker threads; Ctrl-C stops it");
        return Main.serveUntilStopped(server);
    }
}
