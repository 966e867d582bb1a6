package io.iocp4j.uring;

import io.iocp4j.linux.NativeException;
import io.iocp4j.linux.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * What IORING_REGISTER_PROBE reports: the opcodes this kernel supports, so features are used only where present.
 * <pre>
 * struct io_uring_probe { __u8 last_op; __u8 ops_len; __u16 resv; __u32 resv2[3]; struct io_uring_probe_op ops[]; };
 * struct io_uring_probe_op { __u8 op; __u8 resv; __u16 flags; __u32 resv2; };   // flags: IO_URING_OP_SUPPORTED = 1
 * </pre>
 */
public final class Probe {
    private static final int MAX_OPS = 256;
    private static final long HEADER = 16;
    private static final long OP_SIZE = 8;
    private static final int IO_URING_OP_SUPPORTED = 1;

    private final int lastOp;
    private final boolean[] supported;

    private Probe(int lastOp, boolean[] supported) {
        this.lastOp = lastOp;
        this.supported = supported;
    }

    static Probe read(int ringFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(HEADER + OP_SIZE * MAX_OPS, 8);
            int r = Syscalls.ioUringRegister(ringFd, Flags.IORING_REGISTER_PROBE, p, MAX_OPS);
            if (r < 0) {
                throw new NativeException("io_uring_register(PROBE)", -r);
            }
            int last = p.get(JAVA_BYTE, 0) & 0xFF;
            int len = p.get(JAVA_BYTE, 1) & 0xFF;
            boolean[] ok = new boolean[MAX_OPS];
            for (int i = 0; i < len; i++) {
                long op = HEADER + OP_SIZE * i;
                int code = p.get(JAVA_BYTE, op) & 0xFF;
                ok[code] = (p.get(JAVA_SHORT, op + 2) & IO_URING_OP_SUPPORTED) != 0;
            }
            return new Probe(last, ok);
        }
    }

    public boolean supports(int opcode) {
        return opcode >= 0 && opcode < MAX_OPS && supported[opcode];
    }

    /** The highest opcode this kernel knows. */
    public int lastOp() {
        return lastOp;
    }
}
