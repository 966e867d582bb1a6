package io.iocp4j.engine;

import io.iocp4j.uring.SubmissionQueue;

/**
 * One overlapped operation as the engine sees it: it writes its SQE, interprets its CQEs, and delivers its result.
 * Subclasses (receive, send, read, accept...) keep their buffers and the caller's OVERLAPPED in fields, so an
 * operation in the {@link InFlightTable} keeps everything the kernel may touch reachable.
 *
 * <p>Threads: the issuer fills the fields and calls {@link IoEngine#submit}; from then on only the driver thread
 * calls the protected methods, until the operation has delivered its result. The queue hand-off publishes the
 * issuer's writes to the driver.
 */
public abstract class Operation {
    /** Link in the {@link SubmitQueue}; driver and producers only. */
    Operation nextQueued;
    /** The user_data of the SQE in flight, or 0; driver only. */
    long userData;
    /** Set (by any thread) to ask the driver to cancel; read by the driver. */
    volatile int cancelStatus;
    /**
     * Counts the issues of a reused operation, so that a cancel request still queued from an earlier issue cannot
     * stop a later one. Written by the issuer before the submit queue publishes it to the driver.
     */
    int issues;

    /**
     * Writes this operation's next SQE at a slot of {@code sq} with the given user_data. Returns false when the
     * operation ended without needing the kernel (then it must have recorded its result, as by {@link #abort}).
     */
    protected abstract boolean prepare(SubmissionQueue sq, long userData);

    /**
     * Interprets one CQE. Returns true when the operation is finished (its result recorded and delivered), false
     * when it needs another SQE (the rest of a partial send, the receive after an accept...). A CQE flagged
     * IORING_CQE_F_MORE (multishot) leaves the operation in flight whatever this returns.
     */
    protected abstract boolean onCqe(int res, int flags);

    /** Ends the operation without a CQE (cancelled before it reached the kernel) with this NTSTATUS. */
    protected abstract void abort(int status);

    /**
     * Called by the issuer before each issue of a reused operation: a cancellation asked of an earlier issue (which
     * then completed normally, CAN-5) must not end this one.
     */
    protected final void newIssue() {
        if (cancelStatus != 0) {
            cancelStatus = 0;  // a volatile write only when there is something to clear: issuing is a hot path
        }
        issues++;
    }

    /** The NTSTATUS a cancellation requested through {@link IoEngine#cancel} asked for, or 0. */
    protected final int cancelStatus() {
        return cancelStatus;
    }
}
