package io.iocp4j.bench.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fio with {@code --ioengine=io_uring}, the same pattern: the machine's limit for one submitting thread. CPU is
 * measured like ours, as the whole process's user + kernel time (bash's {@code times} after fio exits gives its
 * children's rusage: all threads, io-wq workers included, 10 ms resolution, fio's start-up too), and fio's own
 * figure (usr_cpu + sys_cpu of the job thread only, from its JSON) is kept in the note. Whole-process time also
 * counts fio's start-up and helper thread, about 0.2 s per run here whatever the runtime: it inflates fio's CPU per
 * read in 1 s runs (--quick), barely in the default 5 s ones; the job-thread figure is fio's lower bound.
 */
final class FioRandomReader implements RandomReader {
    private static final String FIO = "fio";
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s\\s+(\\d+)m([0-9.]+)s\\s*$");

    /** Whether fio can be run here; the benchmark runs without it and says so. */
    static boolean isInstalled() {
        try {
            Process p = new ProcessBuilder(FIO, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String name() {
        return "fio";
    }

    /** The fio command line for a case, also printed so that it can be re-run by hand. */
    static List<String> command(Path file, long size, ReadCase c, double seconds, Path json) {
        return List.of(FIO, "--name=rr", "--filename=" + file, "--size=" + size, "--rw=randread",
                "--bs=" + ReadCase.BLOCK, "--ioengine=io_uring", "--iodepth=" + c.depth(),
                "--direct=" + (c.unbuffered() ? 1 : 0),
                // Keep the warm page cache: fio drops the file's cached pages before a job by default.
                "--invalidate=0",
                "--numjobs=1", "--thread", "--norandommap", "--randrepeat=0", "--time_based",
                "--runtime=" + Math.max(1, Math.round(seconds)), "--output-format=json", "--output=" + json);
    }

    @Override
    public Measurement run(Path file, long size, ReadCase c, double seconds) throws Exception {
        Path json = Files.createTempFile("iocp4j-fio", ".json");
        try {
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "\"$@\" >/dev/null 2>&1; rc=$?; times; exit $rc",
                    "bash"));
            cmd.addAll(command(file, size, c, seconds, json));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String times = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("fio failed: " + String.join(" ", command(file, size, c, seconds, json))
                        + "\n" + Files.readString(json));
            }
            return parse(Files.readString(json), times);
        } finally {
            Files.deleteIfExists(json);
        }
    }

    /** fio's JSON (first job, read side) and the children's line of {@code times}: "0m1.20s 0m3.40s". */
    static Measurement parse(String json, String times) {
        int read = json.indexOf("\"read\"");
        long ios = (long) number(json, "total_ios", read);
        double runtimeMs = number(json, "runtime", read);
        double jobCpuPercent = number(json, "usr_cpu", 0) + number(json, "sys_cpu", 0);
        long jobCpuNanos = (long) (jobCpuPercent / 100 * runtimeMs * 1e6);
        Matcher m = TIMES.matcher(times.strip());
        if (!m.find()) {
            throw new IllegalStateException("unexpected output of times: " + times);
        }
        long userNanos = minutesSeconds(m.group(1), m.group(2));
        long kernelNanos = minutesSeconds(m.group(3), m.group(4));
        String note = String.format("fio's own job-thread figure: %.2f µs CPU/read", jobCpuNanos / 1e3 / Math.max(ios, 1));
        return new Measurement(ios, (long) (runtimeMs * 1e6), userNanos + kernelNanos, kernelNanos, -1, note);
    }

    private static long minutesSeconds(String minutes, String seconds) {
        return (long) ((Long.parseLong(minutes) * 60 + Double.parseDouble(seconds)) * 1e9);
    }

    /** The first number under {@code "key"} at or after {@code from}. */
    private static double number(String json, String key, int from) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?[0-9.eE+]+)").matcher(json);
        if (!m.find(Math.max(from, 0))) {
            throw new IllegalStateException("no \"" + key + "\" in fio's output");
        }
        return Double.parseDouble(m.group(1));
    }
}
