package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.PollMasks;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * AcceptEx (ACC-1..11, LNX-21). Linux's accept makes a new fd; it is installed as the caller's pre-created accept
 * socket's fd, which keeps its handle, association and options. With a receive length, the operation then waits for
 * the first data, received straight into the caller's buffer, before it completes. The completion belongs to the
 * listener (ACC-7): this operation's target is the listening socket.
 *
 * <p>Address blocks too small for the family do not fail at issue: the operation waits for a connection and then
 * fails with STATUS_BUFFER_TOO_SMALL without taking it from the backlog (ACC-4).
 */
public final class Accept extends SocketOperation {
    private static final int MAX_ADDRESS = 128;

    /** Writes the local and remote addresses into the caller's output buffer, in the Windows format. */
    @FunctionalInterface
    public interface AddressBlocks {
        void write(MemorySegment linuxLocal, int localLength, MemorySegment linuxRemote, int remoteLength);
    }

    private enum Step { ACCEPT, FIRST_DATA, WAIT_FOR_CONNECTION }

    private final MemorySegment scratch = SocketObject.scratch(2L * MAX_ADDRESS + 8);
    private final MemorySegment remote = scratch.asSlice(0, MAX_ADDRESS);
    private final MemorySegment local = scratch.asSlice(MAX_ADDRESS, MAX_ADDRESS);
    private final MemorySegment lengths = scratch.asSlice(2L * MAX_ADDRESS, 8);
    private SocketObject acceptSocket;
    private MemorySegment output;
    private int receiveLength;
    private AddressBlocks blocks;
    private Step step;

    /**
     * Starts accepting on {@code listener} into {@code acceptSocket}, which must have been claimed with
     * {@link SocketObject#claimForAccept}. {@code blocksTooSmall} selects the ACC-4 behaviour.
     */
    public void start(SocketObject listener, SocketObject acceptSocket, MemorySegment output, int receiveLength,
                      boolean blocksTooSmall, AddressBlocks blocks) {
        this.acceptSocket = acceptSocket;
        this.output = output;
        this.receiveLength = receiveLength;
        this.blocks = blocks;
        this.step = blocksTooSmall ? Step.WAIT_FOR_CONNECTION : Step.ACCEPT;
        issueDirect(listener);
        if (acceptSocket.isClosing()) {
            // Closed between the claim and the issue: that close found nothing of ours pending on the listener.
            listener.cancelPending(overlapped(), NtStatus.STATUS_CANCELLED);
        }
    }

    /** Claims {@code acceptSocket} for this operation (ACC-1); false when it is not a fresh, unclaimed socket. */
    public boolean claim(SocketObject acceptSocket) {
        return acceptSocket.claimForAccept(this);
    }

    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        switch (step) {
            case ACCEPT -> {
                lengths.set(ValueLayout.JAVA_INT, 0, MAX_ADDRESS);
                Sqe.prepAccept(sq.sqes(), sq.next(), socket.fd(), remote.address(), lengths.address(),
                        Sockets.SOCK_CLOEXEC, userData);
            }
            case FIRST_DATA -> Sqe.prepRecv(sq.sqes(), sq.next(), acceptSocket.fd(), output.address(), receiveLength,
                    0, userData);
            case WAIT_FOR_CONNECTION -> Sqe.prepPollAdd(sq.sqes(), sq.next(), socket.fd(), PollMasks.POLLIN, userData);
        }
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0) {
            complete(failureStatus(-res), 0);
            return true;
        }
        switch (step) {
            case WAIT_FOR_CONNECTION -> {
                complete(NtStatus.STATUS_BUFFER_TOO_SMALL, 0);
                return true;
            }
            case ACCEPT -> {
                int r = acceptSocket.installAccepted(res);
                if (r < 0) {
                    complete(acceptSocket.statusOf(-r), 0);
                    return true;
                }
                if (receiveLength > 0) {
                    step = Step.FIRST_DATA;
                    return false;
                }
                return delivered(0);
            }
            default -> {
                return delivered(res);
            }
        }
    }

    private boolean delivered(int bytes) {
        int remoteLength = lengths.get(ValueLayout.JAVA_INT, 0);
        lengths.set(ValueLayout.JAVA_INT, 4, MAX_ADDRESS);
        int r = Sockets.getsockname(acceptSocket.fd(), local, lengths.asSlice(4, 4));
        int localLength = r < 0 ? 0 : lengths.get(ValueLayout.JAVA_INT, 4);
        blocks.write(local, localLength, remote, remoteLength);
        complete(NtStatus.STATUS_SUCCESS, bytes);
        return true;
    }

    /** The claim (and the accept socket's fd it holds) ends with the operation, however it ends. */
    @Override
    protected void beforeDelivery() {
        acceptSocket.releaseAcceptClaim(this);
        output = null;
    }
}
