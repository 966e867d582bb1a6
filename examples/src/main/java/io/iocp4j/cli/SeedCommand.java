package io.iocp4j.cli;

import java.util.function.Consumer;

/** Runs one of the seed programs ported line by line, with its own argument convention ({@code <port>}). */
final class SeedCommand implements Main.Command {
    private final String summary;
    private final Consumer<String[]> main;

    SeedCommand(String summary, Consumer<String[]> main) {
        this.summary = summary;
        this.main = main;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public int run(String[] args) {
        main.accept(args);
        return 0;
    }
}
