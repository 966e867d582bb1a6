package io.iocp4j.engine;

/**
 * The 64-bit io_uring {@code user_data} of every SQE the engine submits:
 * <pre>
 *  63      56 55                 32 31                                0
 * +----------+---------------------+-----------------------------------+
 * |   kind   |     generation      |          in-flight slot           |
 * +----------+---------------------+-----------------------------------+
 * </pre>
 * The generation makes a late CQE for a recycled slot recognisable; the kind keeps the engine's own requests
 * (wake-ups, cancels) apart from callers' operations, so they never surface as completions.
 */
final class UserData {
    static final int KIND_OPERATION = 0;
    static final int KIND_WAKEUP = 1;
    static final int KIND_CANCEL = 2;

    static final int GENERATION_MASK = 0xFF_FFFF;

    private UserData() {
    }

    static long encode(int kind, int generation, int slot) {
        return ((long) kind << 56) | ((long) (generation & GENERATION_MASK) << 32) | (slot & 0xFFFF_FFFFL);
    }

    static int kind(long userData) {
        return (int) (userData >>> 56);
    }

    static int generation(long userData) {
        return (int) (userData >>> 32) & GENERATION_MASK;
    }

    static int slot(long userData) {
        return (int) userData;
    }
}
