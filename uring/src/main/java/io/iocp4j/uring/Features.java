package io.iocp4j.uring;

import java.util.StringJoiner;

/** IORING_FEAT_* bits that io_uring_setup reports in io_uring_params.features. */
public final class Features {
    public static final int IORING_FEAT_SINGLE_MMAP = 1;       // 5.4
    public static final int IORING_FEAT_NODROP = 1 << 1;       // 5.5
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2; // 5.5
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;      // 5.11

    private static final String[] NAMES = {
        "SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS", "CUR_PERSONALITY", "FAST_POLL", "POLL_32BITS",
        "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS", "RSRC_TAGS", "CQE_SKIP", "LINKED_FILE", "REG_REG_RING",
        "RECVSEND_BUNDLE", "MIN_TIMEOUT", "RW_ATTR", "NO_IOWAIT",
    };

    private Features() {
    }

    /** The names of the bits set, e.g. "SINGLE_MMAP NODROP ..."; unknown bits as FEAT_n. */
    public static String describe(int features) {
        StringJoiner j = new StringJoiner(" ");
        for (int bit = 0; bit < 32; bit++) {
            if ((features & (1 << bit)) != 0) {
                j.add(bit < NAMES.length ? NAMES[bit] : "FEAT_" + bit);
            }
        }
        return j.toString();
    }
}
