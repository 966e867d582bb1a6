package io.iocp4j.cli;

import io.iocp4j.examples.copy.UnbufferedCopy;

/** {@code ./iocp4j copy SRC DST [--unbuffered true] [--block-size N] [--depth N]}. */
final class CopyCommand implements Main.Command {
    @Override
    public String summary() {
        return "overlapped file copy: SRC DST [--unbuffered true] [--block-size N] [--depth N]"
                + " (buffered: 262144 x 4, unbuffered: 1048576 x 8)";
    }

    @Override
    public int run(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: copy SRC DST [--unbuffered true] [--block-size N] [--depth N]");
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
        for (int i = 0; i < rest.length; i++) {
            if (rest[i].equals("--unbuffered") && (i + 1 == rest.length || rest[i + 1].startsWith("--"))) {
                rest = insertTrue(rest, i);
            }
        }
        Options o = new Options(rest, "unbuffered", "block-size", "depth");
        boolean unbuffered = Boolean.parseBoolean(o.text("unbuffered", "false"));
        UnbufferedCopy.Result r = UnbufferedCopy.copy(args[0], args[1], unbuffered,
                o.number("block-size", UnbufferedCopy.defaultBlockSize(unbuffered)),
                o.number("depth", UnbufferedCopy.defaultDepth(unbuffered)), System.out);
        System.out.printf("%n%,d bytes copied in %.3f s: %.0f MB/s (%s)%n", r.bytes(), r.seconds(),
                r.megabytesPerSecond(), unbuffered ? "unbuffered" : "buffered");
        return 0;
    }

    /** Lets {@code --unbuffered} stand alone, as the issue spells it. */
    private static String[] insertTrue(String[] a, int at) {
        String[] b = new String[a.length + 1];
        System.arraycopy(a, 0, b, 0, at + 1);
        b[at + 1] = "true";
        System.arraycopy(a, at + 1, b, at + 2, a.length - at - 1);
        return b;
    }
}
