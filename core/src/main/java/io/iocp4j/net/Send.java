package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.linux.IoVec;
import io.iocp4j.linux.MsgHdr;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;

/**
 * WSASend / WSASendTo (SEND-1..7, DGRAM-6). A stream send completes only when every byte has been accepted: a short
 * send is continued from where it stopped, with the iovec array advanced in place (SEND-2, LNX-5). Always
 * MSG_NOSIGNAL (LNX-13). The caller's buffer list is copied at issue (OVL-6). Reusable once delivered.
 */
public final class Send extends VectoredOperation {
    /** First iovec not yet fully sent; iovecs before it are done, this one is advanced in place. */
    private int first;
    private long sent;
    private int addressLength;
    private int linuxFlags;

    @Override
    void reset() {
        first = 0;
        sent = 0;
        addressLength = 0;
    }

    /** The destination of a WSASendTo, as a Linux sockaddr of {@code length} bytes. */
    public Send to(MemorySegment linuxSockaddr, int length) {
        MemorySegment.copy(linuxSockaddr, 0, address, 0, length);
        addressLength = length;
        return this;
    }

    public void start(SocketObject s, int flags) {
        linuxFlags = flags | Sockets.MSG_NOSIGNAL;
        issueOrdered(s, false);
    }

    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        if (total == 0 && socket.isStream()) {
            complete(NtStatus.STATUS_SUCCESS, 0);  // SEND-6: nothing to transmit
            return false;
        }
        int fd = socket.fd();
        if (count - first == 1 && addressLength == 0) {
            Sqe.prepSend(sq.sqes(), sq.next(), fd, IoVec.base(iov, first), (int) IoVec.len(iov, first), linuxFlags,
                    userData);
        } else {
            MsgHdr.set(msg, addressLength == 0 ? 0 : address.address(), addressLength,
                    iov.address() + first * IoVec.SIZE, count - first);
            Sqe.prepSendmsg(sq.sqes(), sq.next(), fd, msg.address(), linuxFlags, userData);
        }
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0) {
                complete(failureStatus(-res), sent);
            return true;
        }
        sent += res;
        if (sent >= total || !socket.isStream()) {
                complete(NtStatus.STATUS_SUCCESS, sent);
            return true;
        }
        advance(res);
        return false;  // the rest goes next, still ahead of any later send (SOCK-2)
    }

    /** Drops {@code n} sent bytes from the front of the iovec array. */
    private void advance(long n) {
        while (n > 0) {
            long len = IoVec.len(iov, first);
            if (n >= len) {
                n -= len;
                first++;
            } else {
                IoVec.set(iov, first, IoVec.base(iov, first) + n, len - n);
                n = 0;
            }
        }
        while (first < count && IoVec.len(iov, first) == 0) {
            first++;
        }
    }
}
