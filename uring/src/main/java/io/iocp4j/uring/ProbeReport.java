package io.iocp4j.uring;

import java.io.PrintStream;

/** The {@code ./iocp4j probe} report: kernel, io_uring availability, features, ring sizes, supported opcodes. */
public final class ProbeReport {
    private ProbeReport() {
    }

    public static void print(PrintStream out) {
        out.println("kernel:            Linux " + KernelInfo.release());
        String sysctl = KernelInfo.ioUringDisabledSysctl();
        out.println("io_uring_disabled: " + (sysctl == null ? "(no such sysctl)" : sysctl));
        Throwable cause = IoUringAvailability.unavailabilityCause();
        if (cause != null) {
            out.println("io_uring:          UNAVAILABLE");
            out.println("  " + cause.getMessage());
            return;
        }
        try (IoUring ring = IoUring.setup(256, 0)) {
            out.println("io_uring:          available");
            out.println("ring:              " + ring.sqEntries() + " SQEs, " + ring.cqEntries() + " CQEs, "
                    + "flags CQSIZE|CLAMP");
            out.println("features:          " + Features.describe(ring.features()));
            Probe probe = ring.probe();
            StringBuilder ops = new StringBuilder();
            int supported = 0;
            for (int op = 0; op <= probe.lastOp(); op++) {
                if (probe.supports(op)) {
                    supported++;
                    ops.append(ops.length() == 0 ? "" : " ").append(Opcodes.name(op));
                }
            }
            out.println("opcodes:           " + supported + " of " + (probe.lastOp() + 1) + " supported");
            int col = 0;
            StringBuilder line = new StringBuilder("  ");
            for (String name : ops.toString().split(" ")) {
                if (col + name.length() > 96) {
                    out.println(line);
                    line = new StringBuilder("  ");
                    col = 0;
                }
                line.append(name).append(' ');
                col += name.length() + 1;
            }
            out.println(line);
        }
    }
}
