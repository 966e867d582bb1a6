package io.iocp4j.examples.nanomsg;

import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED_ENTRY;
import io.iocp4j.win32.ULONGByReference;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;

/**
 * nanomsg 1.1.4's Windows worker ({@code src/aio/worker_win.inc}, seed 000), ported function by function: one
 * completion port and one thread; tasks arrive through PostQueuedCompletionStatus with the task as the key;
 * timers live in a timerset that sets the timeout of GetQueuedCompletionStatusEx; I/O ops resume partial
 * transfers and then feed their state machine. Everything a state machine sees happens on this one thread.
 */
public final class NnWorker {
    public static final int NN_WORKER_TIMER_TIMEOUT = 1;
    public static final int NN_WORKER_TASK_EXECUTE = 1;
    public static final int NN_WORKER_OP_DONE = 1;
    public static final int NN_WORKER_OP_ERROR = 2;
    static final int NN_WORKER_MAX_EVENTS = 32;

    /** {@code static int nn_worker_stop}: the key whose address means "leave the loop". */
    private static final Object nn_worker_stop = new Object();

    HANDLE cp;
    private final NnTimerset timerset = new NnTimerset();
    private Thread thread;
    /** Figures for the demo (not in nanomsg): written on the worker thread, read after term. */
    long timersFired;
    long tasksExecuted;

    /** {@code nn_worker_init}. */
    public int init() {
        cp = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        win_assert(cp != null);
        thread = Thread.ofPlatform().name("nn_worker").start(this::routine);
        return 0;
    }

    /** {@code nn_worker_term}: asks the thread to stop, waits for it, closes the port. */
    public void term() throws InterruptedException {
        boolean brc = PostQueuedCompletionStatus(cp, 0, nn_worker_stop, null);
        win_assert(brc);
        thread.join();
        brc = CloseHandle(cp);
        win_assert(brc);
    }

    /** {@code nn_worker_execute}: the task runs on the worker thread. */
    public void execute(NnWorkerTask task) {
        boolean brc = PostQueuedCompletionStatus(cp, 0, task, null);
        win_assert(brc);
    }

    /** {@code nn_worker_add_timer}; worker thread only, as in nanomsg (state machines call it from feeds). */
    public void addTimer(int timeout, NnWorkerTimer timer) {
        timerset.add(timeout, timer);
    }

    /** {@code nn_worker_rm_timer}; worker thread only. */
    public void rmTimer(NnWorkerTimer timer) {
        timerset.rm(timer);
    }

    /** {@code nn_worker_getcp}. */
    public HANDLE getcp() {
        return cp;
    }

    /** {@code nn_worker_routine}. */
    private void routine() {
        OVERLAPPED_ENTRY[] entries = OVERLAPPED_ENTRY.array(NN_WORKER_MAX_EVENTS);
        ULONGByReference count = new ULONGByReference();
        while (true) {
            // Process all expired timers.
            while (true) {
                NnWorkerTimer timer = timerset.event();
                if (timer == null) {
                    break;
                }
                timersFired++;
                timer.owner.feed(timer.src, NN_WORKER_TIMER_TIMEOUT, timer);
            }

            // Compute the time interval till the next timer expiration.
            int timeout = timerset.timeout();

            // Wait for new events and/or timeouts.
            boolean brc = GetQueuedCompletionStatusEx(cp, entries, NN_WORKER_MAX_EVENTS, count,
                    timeout < 0 ? INFINITE : timeout, false);
            if (!brc && GetLastError() == WAIT_TIMEOUT) {
                continue;
            }
            win_assert(brc);

            for (int i = 0; i != count.value; ++i) {
                // Process I/O completion events.
                if (entries[i].lpOverlapped != null) {
                    NnWorkerOp op = (NnWorkerOp) entries[i].lpOverlapped;
                    int rc = (int) (entries[i].Internal & 0xc0000000L);
                    switch (rc) {
                        case 0x00000000 -> {
                            int nxfer = entries[i].dwNumberOfBytesTransferred;
                            if (op.start != null) {
                                if (nxfer == 0) {
                                    rc = NN_WORKER_OP_ERROR;  // the peer closed mid-message
                                    break;
                                }
                                op.resid -= nxfer;
                                op.buf = op.buf.asSlice(nxfer);
                                // If we still have more to transfer, keep going.
                                if (op.resid != 0) {
                                    op.resumes++;
                                    op.start.accept(op.arg);
                                    continue;
                                }
                            }
                            rc = NN_WORKER_OP_DONE;
                        }
                        case 0xc0000000 -> rc = NN_WORKER_OP_ERROR;
                        default -> {
                            continue;
                        }
                    }
                    // Raise the completion event.
                    if (op.state == NnWorkerOp.NN_WORKER_OP_STATE_IDLE) {
                        throw new IllegalStateException("completion of an idle op");
                    }
                    op.state = NnWorkerOp.NN_WORKER_OP_STATE_IDLE;
                    op.owner.feed(op.src, rc, op);
                    continue;
                }

                // Worker thread shutdown is requested.
                if (entries[i].lpCompletionKey == nn_worker_stop) {
                    return;
                }

                // Process tasks.
                NnWorkerTask task = (NnWorkerTask) entries[i].lpCompletionKey;
                tasksExecuted++;
                task.owner.feed(task.src, NN_WORKER_TASK_EXECUTE, task);
            }
        }
    }

    /** {@code win_assert}: nanomsg aborts with the last error; here an exception that carries it. */
    static void win_assert(boolean condition) {
        if (!condition) {
            throw new IllegalStateException("win_assert failed, GetLastError() = " + GetLastError());
        }
    }
}
