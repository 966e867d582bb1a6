package io.iocp4j.cli;

import io.iocp4j.uring.ProbeReport;

/** {@code ./iocp4j probe}: the kernel, io_uring's availability, features and supported opcodes. */
final class ProbeCommand implements Main.Command {
    @Override
    public String summary() {
        return "print the kernel version, io_uring features and supported opcodes";
    }

    @Override
    public int run(String[] args) {
        ProbeReport.print(System.out);
        return 0;
    }
}
