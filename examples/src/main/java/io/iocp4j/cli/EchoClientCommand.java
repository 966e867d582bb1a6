package io.iocp4j.cli;

import io.iocp4j.examples.echo.EchoClient;

/** {@code ./iocp4j echo-client --port P --connections C --size BYTES --seconds S [--pipeline D] [--host H]}. */
final class EchoClientCommand implements Main.Command {
    @Override
    public String summary() {
        return "echo load client: --port P --connections C --size B --seconds S [--pipeline D]";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options(args, "port", "connections", "size", "seconds", "pipeline", "host");
        EchoClient client = new EchoClient(o.number("connections", 10), o.number("size", 64),
                o.number("pipeline", 1));
        EchoClient.Result r = client.run(o.text("host", "127.0.0.1"), o.required("port"), o.number("seconds", 10),
                System.out);
        System.out.println(r);
        return r.errors() == 0 ? 0 : 1;
    }
}
