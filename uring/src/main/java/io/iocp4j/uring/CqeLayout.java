package io.iocp4j.uring;

/** {@code struct io_uring_cqe { __u64 user_data; __s32 res; __u32 flags; }}: 16 bytes (no CQE32). */
final class CqeLayout {
    static final long SIZE = 16;
    static final long USER_DATA = 0;
    static final long RES = 8;
    static final long FLAGS = 12;

    private CqeLayout() {
    }
}
