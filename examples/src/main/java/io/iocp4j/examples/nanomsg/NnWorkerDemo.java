package io.iocp4j.examples.nanomsg;

import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.examples.nanomsg.NnWorker.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * A small program on the nanomsg worker: two state machines on one worker thread, joined by a loopback TCP
 * connection. Each round the sender sends one message in pieces, one piece per timer tick; the receiver asks for
 * the whole message at once, so the worker resumes its receive after every piece (resid/buf), then checks every
 * byte and hands the next round to the sender with a task.
 */
public final class NnWorkerDemo {
    /** What a run did, for the CLI and the tests; {@code nanos} covers the rounds, not setting up. */
    public record Result(int rounds, long bytesVerified, long resumes, long timersFired, long tasksExecuted,
                         long nanos) {
    }

    private final int rounds;
    private final int size;
    private final int pieces;
    private final int intervalMs;
    private final NnWorker worker = new NnWorker();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final MemorySegment message;
    private final MemorySegment received;
    private NnUsock sending;
    private NnUsock receiving;
    private int roundsDone;
    private long bytesVerified;
    private Throwable failure;

    public NnWorkerDemo(int rounds, int size, int pieces, int intervalMs) {
        if (rounds < 1 || size < pieces || pieces < 1 || intervalMs < 0) {
            throw new IllegalArgumentException("need rounds >= 1, size >= pieces >= 1, interval >= 0");
        }
        this.rounds = rounds;
        this.size = size;
        this.pieces = pieces;
        this.intervalMs = intervalMs;
        Arena arena = Arena.ofAuto();
        this.message = arena.allocate(size);
        this.received = arena.allocate(size);
    }

    public Result run() throws InterruptedException {
        worker.init();
        SOCKET[] pair = connectPair();
        Sender sender = new Sender();
        Receiver receiver = new Receiver(sender);
        sending = new NnUsock(pair[0], sender);
        receiving = new NnUsock(pair[1], receiver);
        sending.createIoCompletion(worker);
        receiving.createIoCompletion(worker);
        long start = System.nanoTime();
        worker.execute(new NnWorkerTask(0, receiver));  // arms the first receive before any piece is sent
        worker.execute(sender.nextRound);
        if (!finished.await(5, TimeUnit.MINUTES)) {
            failure = new IllegalStateException("rounds did not finish");
        }
        long nanos = System.nanoTime() - start;
        worker.term();
        sending.close();
        receiving.close();
        if (failure != null) {
            throw new IllegalStateException("nn-worker demo failed", failure);
        }
        return new Result(roundsDone, bytesVerified, receiving.in.resumes, worker.timersFired,
                worker.tasksExecuted, nanos);
    }

    /** A connected loopback pair: blocking listen/connect/accept, as nanomsg's own tests set one up. */
    private static SOCKET[] connectPair() {
        SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        SOCKADDR_IN addr = new SOCKADDR_IN();
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = inet_addr("127.0.0.1");
        win_assert(bind(listener, addr, addr.size()) == 0 && listen(listener, 1) == 0);
        win_assert(getsockname(listener, addr, new INTByReference(addr.size())) == 0);
        SOCKET client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        win_assert(connect(client, addr, addr.size()) == 0);
        SOCKET server = accept(listener, null, null);
        win_assert(server != INVALID_SOCKET);
        closesocket(listener);
        return new SOCKET[] {client, server};
    }

    private void fail(Throwable e) {
        failure = e;
        finished.countDown();
    }

    /** Sends the round's message a piece per timer tick; the next round starts with a task from the receiver. */
    private final class Sender implements NnFsm {
        final NnWorkerTask nextRound = new NnWorkerTask(0, this);
        private final NnWorkerTimer tick = new NnWorkerTimer(0, this);
        private int piece;

        @Override
        public void feed(int src, int type, Object srcptr) {
            if (srcptr == nextRound) {
                byte[] bytes = new byte[size];
                new Random(roundsDone).nextBytes(bytes);
                MemorySegment.copy(bytes, 0, message, ValueLayout.JAVA_BYTE, 0, size);
                piece = 0;
                worker.addTimer(intervalMs, tick);
            } else if (srcptr == tick) {
                long from = (long) size * piece / pieces;
                long to = (long) size * (piece + 1) / pieces;
                sending.send(message.asSlice(from, to - from), to - from);
            } else if (src == NnUsock.SRC_OUT && type == NN_WORKER_OP_DONE) {
                if (++piece < pieces) {
                    worker.addTimer(intervalMs, tick);
                }
            } else {
                fail(new IllegalStateException("sender: unexpected event src=" + src + " type=" + type));
            }
        }
    }

    /** Receives each round's message whole, checks it, and starts the next round. */
    private final class Receiver implements NnFsm {
        private final Sender sender;

        Receiver(Sender sender) {
            this.sender = sender;
        }

        @Override
        public void feed(int src, int type, Object srcptr) {
            if (type == NN_WORKER_TASK_EXECUTE && srcptr instanceof NnWorkerTask) {
                receiving.recv(received, size);
            } else if (src == NnUsock.SRC_IN && type == NN_WORKER_OP_DONE) {
                if (received.mismatch(message) != -1) {
                    fail(new IllegalStateException("round " + roundsDone + ": received bytes differ"));
                    return;
                }
                bytesVerified += size;
                if (++roundsDone == rounds) {
                    finished.countDown();
                    return;
                }
                receiving.recv(received, size);
                worker.execute(sender.nextRound);
            } else {
                fail(new IllegalStateException("receiver: unexpected event src=" + src + " type=" + type));
            }
        }
    }
}
