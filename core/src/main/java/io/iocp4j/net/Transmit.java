package io.iocp4j.net;

import io.iocp4j.ErrnoMapping;
import io.iocp4j.NtStatus;
import io.iocp4j.file.FileObject;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;

/**
 * TransmitFile (TF-1, TF-2): head buffer, file data from an offset, tail buffer, as one operation with one
 * completion whose byte count is the sum; optionally a graceful disconnect (TF_DISCONNECT) and socket reuse
 * (TF_REUSE_SOCKET). File data goes through a chunk buffer owned by the operation: read at the offset, sent in
 * full, repeated. Queued behind the socket's other sends (SOCK-2).
 */
public final class Transmit extends SocketOperation {
    private static final int CHUNK = 64 * 1024;

    private enum Step { HEAD, READ, SEND_CHUNK, TAIL, DISCONNECT }

    private final MemorySegment chunk = SocketObject.scratch(CHUNK);
    private FileObject file;
    private MemorySegment head;
    private int headLength;
    private MemorySegment tail;
    private int tailLength;
    private long fileOffset;
    private long fileRemaining;
    private boolean disconnect;
    private boolean reuse;
    private Step step;
    private int stepDone;
    private int chunkLength;
    private long total;

    /**
     * Sends {@code head}, then {@code length} bytes of {@code file} from {@code offset} (file may be null), then
     * {@code tail}; buffers may be null. The caller has held the file's fd ({@link FileObject#holdFd}): the file is
     * not this operation's target, so closing its last handle would otherwise free the fd while it is still read;
     * the operation lets go of it when it ends.
     */
    public void start(SocketObject s, MemorySegment head, int headLength, FileObject file, long offset, long length,
                      MemorySegment tail, int tailLength, boolean disconnect, boolean reuse) {
        this.head = head;
        this.headLength = head == null ? 0 : headLength;
        this.file = file;
        this.fileOffset = offset;
        this.fileRemaining = file == null ? 0 : length;
        this.tail = tail;
        this.tailLength = tail == null ? 0 : tailLength;
        this.disconnect = disconnect;
        this.reuse = reuse;
        this.total = 0;
        this.stepDone = 0;
        this.step = Step.HEAD;
        skipEmptySteps();
        issueOrdered(s, false);
    }

    /** Moves past steps with nothing to do. */
    private void skipEmptySteps() {
        if (step == Step.HEAD && headLength == 0) {
            step = Step.READ;
        }
        if (step == Step.READ && fileRemaining == 0) {
            step = Step.TAIL;
        }
        if (step == Step.TAIL && tailLength == 0) {
            step = Step.DISCONNECT;
        }
    }

    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        int fd = socket.fd();
        switch (step) {
            case HEAD -> Sqe.prepSend(sq.sqes(), sq.next(), fd, head.address() + stepDone, headLength - stepDone,
                    Sockets.MSG_NOSIGNAL, userData);
            case READ -> Sqe.prepRead(sq.sqes(), sq.next(), file.fd(), chunk.address(),
                    (int) Math.min(CHUNK, fileRemaining), fileOffset, userData);
            case SEND_CHUNK -> Sqe.prepSend(sq.sqes(), sq.next(), fd, chunk.address() + stepDone,
                    chunkLength - stepDone, Sockets.MSG_NOSIGNAL, userData);
            case TAIL -> Sqe.prepSend(sq.sqes(), sq.next(), fd, tail.address() + stepDone, tailLength - stepDone,
                    Sockets.MSG_NOSIGNAL, userData);
            case DISCONNECT -> {
                if (!disconnect) {
                    end(NtStatus.STATUS_SUCCESS);
                    return false;
                }
                Sqe.prepShutdown(sq.sqes(), sq.next(), fd, Sockets.SHUT_WR, userData);
            }
        }
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0) {
            end(step == Step.READ ? ErrnoMapping.toStatus(-res) : failureStatus(-res));
            return true;
        }
        switch (step) {
            case HEAD -> advance(res, headLength, Step.READ);
            case READ -> {
                if (res == 0) {
                    fileRemaining = 0;  // the file ended early: send what there was
                    step = Step.TAIL;
                } else {
                    chunkLength = res;
                    stepDone = 0;
                    step = Step.SEND_CHUNK;
                }
            }
            case SEND_CHUNK -> {
                stepDone += res;
                total += res;
                if (stepDone == chunkLength) {
                    fileOffset += chunkLength;
                    fileRemaining -= chunkLength;
                    stepDone = 0;
                    step = Step.READ;
                }
            }
            case TAIL -> advance(res, tailLength, Step.DISCONNECT);
            case DISCONNECT -> {
                socket.latchShutdown(false, true);
                int r = reuse ? socket.renew() : 0;
                end(r < 0 ? socket.statusOf(-r) : NtStatus.STATUS_SUCCESS);
                return true;
            }
        }
        if (step != Step.SEND_CHUNK) {
            skipEmptySteps();
        }
        return false;
    }

    private void advance(int sent, int length, Step next) {
        stepDone += sent;
        total += sent;
        if (stepDone == length) {
            stepDone = 0;
            step = next;
        }
    }

    private void end(int status) {
        complete(status, total);
    }

    /** The file's fd, held since TransmitFile (see {@link #start}), is given back however the operation ends. */
    @Override
    protected void beforeDelivery() {
        head = null;
        tail = null;
        if (file != null) {
            file.letGoOfFd();
            file = null;
        }
    }

    @Override
    protected void abort(int status) {
        end(status);
    }
}
