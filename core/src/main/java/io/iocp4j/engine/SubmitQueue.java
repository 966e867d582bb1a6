package io.iocp4j.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Multi-producer, single-consumer queue of operations waiting for the driver thread, intrusive (through
 * {@link Operation#nextQueued}) so that queuing allocates nothing. Any thread offers; only the driver polls.
 * The algorithm is Vyukov's non-intrusive MPSC queue made intrusive with a stub node.
 */
final class SubmitQueue {
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(SubmitQueue.class, "tail", Operation.class);
            NEXT = MethodHandles.privateLookupIn(Operation.class, lookup)
                    .findVarHandle(Operation.class, "nextQueued", Operation.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Operation stub = new Stub();
    /** Producers swap themselves in here. */
    @SuppressWarnings("unused")
    private volatile Operation tail = stub;
    /** Consumer-only. */
    private Operation head = stub;

    void offer(Operation op) {
        NEXT.set(op, (Operation) null);
        Operation previous = (Operation) TAIL.getAndSet(this, op);
        // Publishes op (and everything its issuer wrote before offering) to the consumer.
        NEXT.setRelease(previous, op);
    }

    /** The next operation, or null when empty or when a producer is between its two steps (retry later). */
    Operation poll() {
        Operation h = head;
        Operation next = (Operation) NEXT.getAcquire(h);
        if (h == stub) {
            if (next == null) {
                return null;
            }
            head = next;
            h = next;
            next = (Operation) NEXT.getAcquire(h);
        }
        if (next != null) {
            head = next;
            return h;
        }
        if (h != (Operation) TAIL.getVolatile(this)) {
            return null;
        }
        offer(stub);
        next = (Operation) NEXT.getAcquire(h);
        if (next != null) {
            head = next;
            return h;
        }
        return null;
    }

    /** Empty only when nothing is queued and no producer is mid-offer (so a sleeping consumer misses nothing). */
    boolean isEmpty() {
        return head == stub && (Operation) TAIL.getVolatile(this) == stub;
    }

    /** The stub node never leaves the queue as an operation. */
    private static final class Stub extends Operation {
        @Override
        protected boolean prepare(io.iocp4j.uring.SubmissionQueue sq, long userData) {
            throw new AssertionError("stub is never submitted");
        }

        @Override
        protected boolean onCqe(int res, int flags) {
            throw new AssertionError("stub is never submitted");
        }

        @Override
        protected void abort(int status) {
            throw new AssertionError("stub is never submitted");
        }
    }
}
