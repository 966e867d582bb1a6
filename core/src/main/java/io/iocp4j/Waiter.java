package io.iocp4j;

/**
 * A thread parked in a port wait: a node of the port's LIFO waiter stack (GQCS-9) and the place a releasing thread
 * hands packets to directly (GQCS-10). One per thread, reused. Links and targets are guarded by the port's lock;
 * {@link #state} is how the parked thread learns the outcome.
 */
final class Waiter {
    static final int WAITING = 0;
    static final int HANDED = 1;
    static final int CLOSED = 2;

    final PortThread owner;
    /** The parked thread, set while it waits (the record itself must not keep the thread alive). */
    Thread thread;
    Waiter below;
    Waiter above;
    Completion single;
    CompletionBatch batch;
    int max;
    int handed;
    volatile int state;

    Waiter(PortThread owner) {
        this.owner = owner;
    }
}
