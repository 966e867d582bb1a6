package io.iocp4j.bench.file;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The options both file benchmarks take: {@code --file PATH --size 1g --seconds S --rounds R --quick}.
 * {@code --quick} is a smoke run (1 s per measurement, one round) that only proves the harness works. {@code --only
 * iocp4j} runs one reader of the random-read benchmark (for before/after comparisons of a change).
 */
record BenchOptions(Path file, long size, double seconds, int rounds, double warmupSeconds, String only) {
    private static final String USAGE = "options: --file PATH  --size 1g  --seconds S  --rounds R  --quick  --only iocp4j|FileChannel|fio";

    /** The options, or the usage on stderr and exit status 2. */
    static BenchOptions parseOrExit(String[] args) {
        try {
            return parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    static BenchOptions parse(String[] args) {
        Path file = null;
        long size = 1L << 30;
        Double seconds = null;
        Integer rounds = null;
        boolean quick = false;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--file" -> file = Path.of(value(args, ++i));
                case "--size" -> size = parseSize(value(args, ++i));
                case "--seconds" -> seconds = Double.parseDouble(value(args, ++i));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--quick" -> quick = true;
                case "--only" -> only = value(args, ++i);
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (file == null) {
            file = TestFile.defaultPath(size);
        }
        return new BenchOptions(file, size,
                seconds != null ? seconds : quick ? 1 : 5,
                rounds != null ? rounds : quick ? 1 : 3,
                quick ? 0.5 : 2, only);
    }

    /** {@code 4096}, {@code 64k}, {@code 256m}, {@code 1g}. */
    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        int shift = switch (t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        return Long.parseLong(digits) << shift;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value; " + USAGE);
        }
        return args[i];
    }
}
