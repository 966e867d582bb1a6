package io.iocp4j;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * A waitable timer: an {@link Event} that a {@link TimerQueue} signals when the timer is due, once or
 * periodically. A notification timer (manual reset) stays signalled until set again; a synchronization timer
 * (auto reset) releases one waiter per firing. An optional routine runs as an APC on the thread that set the
 * timer, inside its alertable waits, with the time the timer fired.
 *
 * <p>As on Windows, at most one APC per timer is queued at a time: a periodic timer that fires again before its
 * routine ran does not queue a second one. Setting or cancelling the timer withdraws an APC that has not run.
 */
public final class WaitableTimer implements AutoCloseable {
    private final Event event;
    private final QueuedTimer timer;
    private final Object settingLock = new Object();
    /** The routine of the current setting and the thread it runs on; null without a routine. */
    private Consumer<Instant> routine;
    private Thread routineThread;
    private RoutineApc queuedApc;

    public WaitableTimer(boolean manualReset) {
        this(manualReset, TimerQueue.shared());
    }

    public WaitableTimer(boolean manualReset, TimerQueue queue) {
        this.event = new Event(manualReset, false);
        this.timer = queue.newTimer(this::fire);
    }

    /** The event to wait on; it is signalled each time the timer fires. */
    public Event event() {
        return event;
    }

    /**
     * (Re)arms the timer: it becomes non-signalled, fires after {@code delayNanos} and then every
     * {@code periodNanos} if > 0. {@code routine}, if not null, is queued to the calling thread at each firing.
     */
    public void set(long delayNanos, long periodNanos, Consumer<Instant> routine) {
        if (periodNanos < 0) {
            throw new IllegalArgumentException("negative period: " + periodNanos);
        }
        synchronized (settingLock) {
            withdrawApcLocked();
            this.routine = routine;
            this.routineThread = routine == null ? null : Thread.currentThread();
            event.reset();
            timer.start(delayNanos, periodNanos);
        }
    }

    /** Stops the timer without changing its signalled state and withdraws a routine that has not run. */
    public boolean cancel() {
        synchronized (settingLock) {
            withdrawApcLocked();
            return timer.cancel();
        }
    }

    @Override
    public void close() {
        cancel();
    }

    private void fire() {
        Instant firedAt = Instant.now();
        synchronized (settingLock) {
            if (!timer.firingIsCurrent()) {
                return;  // set again or cancelled after the queue took this firing: Windows would not signal
            }
            event.set();
            if (routine != null && queuedApc == null && routineThread.isAlive()) {
                queuedApc = new RoutineApc(routine, firedAt);
                Apcs.queue(routineThread, queuedApc);
            }
        }
    }

    private void withdrawApcLocked() {
        if (queuedApc != null) {
            Apcs.withdraw(routineThread, queuedApc);
            queuedApc = null;
        }
    }

    /** The routine's call for one firing; once it runs, the next firing may queue another. */
    private final class RoutineApc implements Runnable {
        private final Consumer<Instant> routine;
        private final Instant firedAt;

        RoutineApc(Consumer<Instant> routine, Instant firedAt) {
            this.routine = routine;
            this.firedAt = firedAt;
        }

        @Override
        public void run() {
            synchronized (settingLock) {
                if (queuedApc == this) {
                    queuedApc = null;
                }
            }
            routine.accept(firedAt);
        }
    }
}
