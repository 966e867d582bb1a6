package io.iocp4j.cli;

import io.iocp4j.examples.web.WebServer;

import java.nio.file.Path;

/** {@code ./iocp4j web-server --port P --root DIR [--threads N] [--bind ADDR]}: runs until interrupted. */
final class WebServerCommand implements Main.Command {
    @Override
    public String summary() {
        return "static-file HTTP/1.1 server: --port P --root DIR [--threads N] [--bind 127.0.0.1]"
                + " [--idle-timeout-ms 60000]";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options(args, "port", "root", "threads", "bind", "idle-timeout-ms");
        String rootOption = o.text("root", null);
        if (rootOption == null) {
            throw new IllegalArgumentException("--root is required");
        }
        int threads = o.number("threads", Runtime.getRuntime().availableProcessors());
        String bind = o.text("bind", "127.0.0.1");
        int idleMillis = o.number("idle-timeout-ms", (int) WebServer.DEFAULT_IDLE_TIMEOUT.toMillis());
        if (idleMillis <= 0) {
            throw new IllegalArgumentException("--idle-timeout-ms must be positive");
        }
        WebServer server;
        try {
            server = new WebServer(bind, o.required("port"), threads, Path.of(rootOption),
                    java.time.Duration.ofMillis(idleMillis));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--root " + rootOption + ": not a readable directory (" + e + ")");
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage() + " (is the port in use?)");  // bind/listen failed
        }
        System.out.println("web server on http://" + bind + ":" + server.port() + "/ serving " + server.root() + ", "
                + threads + " worker threads; Ctrl-C stops it");
        return Main.serveUntilStopped(server);
    }
}
