package io.iocp4j.bench.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a program's first calls cost: runs {@link FirstCalls} in a fresh JVM {@code --runs} times per jar and prints
 * the median of each step (and of the whole child process, JVM start and exit included). Several {@code --jar}s
 * are run interleaved (one run of each in turn), so that drift of a noisy machine spreads over all of them; keep a
 * copy of the jar built before a change to compare with the one after.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.iocp4j.bench.startup.StartupCost \
 *     [--runs 11] [--jar /tmp/before.jar --jar benchmarks/target/benchmarks.jar] [--jvm-arg -Xlog:class+load]</pre>
 * Without {@code --jar}, the jar (or classes directory) this class was loaded from is measured.
 */
public final class StartupCost {
    private StartupCost() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 11;
        List<String> jars = new ArrayList<>();
        List<String> jvmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--jar" -> jars.add(args[++i]);
                case "--jvm-arg" -> jvmArgs.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--runs N, --jar PATH, --jvm-arg ARG)");
            }
        }
        if (jars.isEmpty()) {
            jars.add(Path.of(StartupCost.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        Path file = Files.createTempFile("iocp4j-startup", ".bin");
        try {
            Files.write(file, new byte[FirstCalls.READ_SIZE]);
            run(runs, jars, jvmArgs, file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void run(int runs, List<String> jars, List<String> jvmArgs, Path file) throws Exception {
        Map<String, StepTimes> results = new LinkedHashMap<>();
        for (String jar : jars) {
            results.put(jar, new StepTimes());
        }
        for (int round = 1; round <= runs; round++) {
            for (String jar : jars) {
                StepTimes times = results.get(jar);
                String line = runChild(jar, jvmArgs, file, times);
                System.out.printf("run %2d  %-40s %s%n", round, jar, line);
            }
        }
        System.out.printf("%nmedians of %d fresh JVMs, ms:%n", runs);
        for (Map.Entry<String, StepTimes> e : results.entrySet()) {
            System.out.println(e.getKey());
            System.out.println("  " + e.getValue().medians());
        }
    }

    /** One fresh JVM: its {@code steps} line, parsed into {@code times} with the process's wall time. */
    private static String runChild(String jar, List<String> jvmArgs, Path file, StepTimes times)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", jar, FirstCalls.class.getName(), file.toString()));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int exit = p.waitFor();
        long wall = System.nanoTime() - start;
        String steps = output.lines().filter(l -> l.startsWith("steps ")).findFirst().orElse(null);
        if (exit != 0 || steps == null) {
            throw new IllegalStateException("child failed (exit " + exit + "):\n" + output);
        }
        times.add(steps, wall);
        return steps.substring("steps ".length()) + " process=" + wall;
    }
}
