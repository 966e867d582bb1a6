package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;

/**
 * ConnectEx (CONX-1..5): connect, then send the optional first data, then one completion whose byte count is the
 * data sent. Failures (refused, unreachable, timed out) arrive through the completion (CONX-3).
 */
public final class Connect extends SocketOperation {
    private static final int MAX_ADDRESS = 128;

    private final MemorySegment address = SocketObject.scratch(MAX_ADDRESS);
    private int addressLength;
    private MemorySegment data;
    private int dataLength;
    private int sent;
    private boolean connected;
    /** A non-blocking connect(): nobody is notified; the outcome goes to SO_ERROR, select and FD_CONNECT (NB-2). */
    private boolean background;
    private static final io.iocp4j.IoStatusBlock NOBODY = new io.iocp4j.IoStatusBlock() {
        @Override
        public void markPending() {
        }

        @Override
        public void publish(int status, long bytes) {
        }
    };

    /** connect() in non-blocking mode: started through the ring with no notification (CORE-7). */
    void startInBackground(SocketObject s, MemorySegment linuxSockaddr, int length) {
        notifyTo(NOBODY, null, null, true, null);
        background = true;
        start(s, linuxSockaddr, length, null, 0);
    }

    /** Connects {@code s} to a Linux sockaddr; {@code data} may be null. The socket must be bound (checked by the caller). */
    public void start(SocketObject s, MemorySegment linuxSockaddr, int length, MemorySegment data, int dataLength) {
        MemorySegment.copy(linuxSockaddr, 0, address, 0, length);
        this.addressLength = length;
        this.data = data;
        this.dataLength = data == null ? 0 : dataLength;
        this.sent = 0;
        this.connected = false;
        s.setState(SocketObject.State.CONNECTING);
        issueDirect(s);
    }

    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        if (!connected) {
            Sqe.prepConnect(sq.sqes(), sq.next(), socket.fd(), address.address(), addressLength, userData);
        } else {
            Sqe.prepSend(sq.sqes(), sq.next(), socket.fd(), data.address() + sent, dataLength - sent,
                    Sockets.MSG_NOSIGNAL, userData);
        }
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0) {
            end(failureStatus(-res));
            return true;
        }
        if (!connected) {
            connected = true;
            socket.markConnected();
        } else {
            sent += res;
        }
        if (sent < dataLength) {
            return false;
        }
        end(NtStatus.STATUS_SUCCESS);
        return true;
    }

    private void end(int status) {
        data = null;
        socket.connectFinished(connected ? NtStatus.STATUS_SUCCESS : status, background);
        complete(status, sent);
    }

    @Override
    protected void abort(int status) {
        end(status);
    }
}
