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
public final class Send extends SocketOperation {
    private static final int MAX_ADDRESS = 128;

    private MemorySegment scratch = MemorySegment.NULL;
    private MemorySegment iov;
    private MemorySegment msg;
    private MemorySegment address;
    private MemorySegment[] buffers = new MemorySegment[1];
    private int count;
    /** First iovec not yet fully sent; iovecs before it are done, this one is advanced in place. */
    private int first;
    private long total;
    private long sent;
    private int addressLength;
    private int linuxFlags;

    public Send buffers(int n) {
        if (buffers.length < n) {
            buffers = new MemorySegment[n];
        }
        ensureScratch(n);
        count = n;
        first = 0;
        total = 0;
        sent = 0;
        addressLength = 0;
        return this;
    }

    public Send buffer(int i, MemorySegment segment, int length) {
        buffers[i] = segment;
        IoVec.set(iov, i, segment.address(), length & 0xFFFF_FFFFL);
        total += length & 0xFFFF_FFFFL;
        return this;
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

    private void ensureScratch(int n) {
        long need = MsgHdr.SIZE + MAX_ADDRESS + n * IoVec.SIZE;
        if (scratch.byteSize() < need) {
            scratch = SocketObject.scratch(need);
            msg = scratch.asSlice(0, MsgHdr.SIZE);
            address = scratch.asSlice(MsgHdr.SIZE, MAX_ADDRESS);
            iov = scratch.asSlice(MsgHdr.SIZE + MAX_ADDRESS);
        }
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
