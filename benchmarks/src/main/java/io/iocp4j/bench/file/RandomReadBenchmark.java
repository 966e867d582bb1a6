package io.iocp4j.bench.file;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * 4 KiB random reads over one file (1 GiB by default), buffered with a warm page cache and unbuffered (O_DIRECT),
 * at queue depth 1 and 32: iocp4j from one thread (GetQueuedCompletionStatusEx loop) against fio's io_uring engine
 * (the machine's limit) and against FileChannel positional reads from as many threads as the depth. Rounds are
 * interleaved (every reader of every case once per round, the readers' order rotating) so that drift of a noisy
 * machine spreads over all of them; the table shows medians.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.iocp4j.bench.file.RandomReadBenchmark [--file PATH] [--size 1g] [--seconds 5] [--rounds 3] [--quick]</pre>
 */
public final class RandomReadBenchmark {
    private static final List<ReadCase> CASES = List.of(
            new ReadCase(false, 1), new ReadCase(false, 32), new ReadCase(true, 1), new ReadCase(true, 32));

    private RandomReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run(BenchOptions.parseOrExit(args), System.out);
    }

    static void run(BenchOptions o, PrintStream out) throws Exception {
        TestFile.ensure(o.file(), o.size(), out);
        out.printf("file store: %s; %d s per run, %d round(s), %d CPUs%n", Files.getFileStore(o.file()),
                Math.round(o.seconds()), o.rounds(), Runtime.getRuntime().availableProcessors());
        List<RandomReader> readers = new ArrayList<>(List.of(new IocpRandomReader(), new ChannelRandomReader()));
        if (FioRandomReader.isInstalled()) {
            readers.add(new FioRandomReader());
            out.println("fio commands (as run, JSON to a temporary file):");
            for (ReadCase c : CASES) {
                out.println("  " + String.join(" ", FioRandomReader.command(o.file(), o.size(), c, o.seconds(),
                        Path.of("OUT.json"))));
            }
        } else {
            out.println("fio is missing (apt-get install fio): running without the fio baseline");
        }
        if (o.only() != null) {
            readers.removeIf(r -> !r.name().equalsIgnoreCase(o.only()));
        }
        warmUp(o, readers, out);
        ResultTable table = new ResultTable();
        for (int round = 0; round < o.rounds(); round++) {
            TestFile.warm(o.file());
            List<RandomReader> order = new ArrayList<>(readers);
            Collections.rotate(order, round);
            for (ReadCase c : CASES) {
                for (RandomReader r : order) {
                    Measurement m = r.run(o.file(), o.size(), c, o.seconds());
                    table.add(c, r.name(), m);
                    out.printf("round %d  %-16s %-12s %,10.0f IOPS %8.2f µs CPU/read %s%n", round + 1, c.label(),
                            r.name(), m.perSecond(), m.cpuMicrosPerOperation(), m.note());
                }
            }
        }
        table.print(out);
        out.println("CPU = whole-process user+kernel time per completed read: JVM threads (iocp4j's ring driver, "
                + "JIT, GC), io_uring io-wq workers, and for fio its whole process; see FioRandomReader.");
    }

    /** Lets the JIT compile the Java readers' loops before anything is measured (fio needs no warm-up). */
    private static void warmUp(BenchOptions o, List<RandomReader> readers, PrintStream out) throws Exception {
        out.printf("warming up (%.1f s per Java reader and case)...%n", o.warmupSeconds());
        TestFile.warm(o.file());
        for (ReadCase c : CASES) {
            for (RandomReader r : readers) {
                if (!(r instanceof FioRandomReader)) {
                    r.run(o.file(), o.size(), c, o.warmupSeconds());
                }
            }
        }
    }
}
