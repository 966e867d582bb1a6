package io.iocp4j.cli;

/** Entry point of ./iocp4j. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("iocp4j");
    }
}
