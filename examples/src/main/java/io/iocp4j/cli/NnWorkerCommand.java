package io.iocp4j.cli;

import io.iocp4j.examples.nanomsg.NnWorkerDemo;

/** {@code nn-worker}: the nanomsg worker (seed 000) running a small two-state-machine program. */
final class NnWorkerCommand implements Main.Command {
    @Override
    public String summary() {
        return "seed 000's nanomsg worker: tasks, timerset, resumed partial receives"
                + " [--rounds N] [--size BYTES] [--pieces K] [--interval-ms T]";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options(args, "rounds", "size", "pieces", "interval-ms");
        int rounds = o.number("rounds", 20);
        int size = o.number("size", 1 << 20);
        int pieces = o.number("pieces", 8);
        int interval = o.number("interval-ms", 5);
        System.out.printf("nn_worker: one completion port, one worker thread; %d rounds of %,d bytes sent in %d"
                + " pieces, one per %d ms timer%n", rounds, size, pieces, interval);
        NnWorkerDemo.Result r = new NnWorkerDemo(rounds, size, pieces, interval).run();
        System.out.printf("done in %.2f s: %d rounds, %,d bytes verified, %d timers fired, %d tasks executed,"
                        + " %d partial receives resumed (resid/buf)%n", r.nanos() / 1e9, r.rounds(),
                r.bytesVerified(), r.timersFired(), r.tasksExecuted(), r.resumes());
        return 0;
    }
}
