package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.linux.IoVec;
import io.iocp4j.linux.MsgHdr;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.PollMasks;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;

/**
 * WSARecv / WSARecvFrom (RECV-1..8, DGRAM-1..4). The caller's buffer list is copied into this operation's own
 * iovec array at issue, so the caller may reuse its WSABUF array at once (OVL-6). A zero-byte stream receive waits
 * for readability with a poll instead (RECV-4: Linux's recv(len 0) returns at once). Datagram truncation is
 * read from MSG_TRUNC (LNX-11). Reusable once delivered.
 */
public final class Receive extends VectoredOperation {
    private int linuxFlags;
    private AddressSink addressSink;
    private int resultFlags;

    @Override
    void reset() {
        resultFlags = 0;
    }

    /** Linux MSG_* flags (already translated from Windows'); {@code sink} non-null for WSARecvFrom on datagrams. */
    public void start(SocketObject s, int flags, AddressSink sink) {
        linuxFlags = flags;
        addressSink = sink;
        issueOrdered(s, true);
    }

    /** The receive flags of the completion, for WSAGetOverlappedResult (OVL-8); never MSG_PARTIAL on TCP/UDP. */
    public int resultFlags() {
        return resultFlags;
    }

    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        int fd = socket.fd();
        if (total == 0 && socket.isStream()) {
            Sqe.prepPollAdd(sq.sqes(), sq.next(), fd, PollMasks.POLLIN | PollMasks.POLLRDHUP, userData);
        } else if (count == 1 && addressSink == null && socket.isStream()) {
            Sqe.prepRecv(sq.sqes(), sq.next(), fd, IoVec.base(iov, 0), (int) total, linuxFlags, userData);
        } else {
            MsgHdr.set(msg, addressSink == null ? 0 : address.address(), addressSink == null ? 0 : MAX_ADDRESS,
                    iov.address(), count);
            int flags = linuxFlags | (socket.isStream() ? 0 : Sockets.MSG_TRUNC);
            Sqe.prepRecvmsg(sq.sqes(), sq.next(), fd, msg.address(), flags, userData);
        }
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0) {
            complete(failureStatus(-res), 0);
            return true;
        }
        if (total == 0 && socket.isStream()) {
            complete(NtStatus.STATUS_SUCCESS, 0);  // readable (or closed): nothing consumed (RECV-4)
            return true;
        }
        long bytes = res;
        int status = NtStatus.STATUS_SUCCESS;
        if (!socket.isStream()) {
            if ((MsgHdr.flags(msg) & Sockets.MSG_TRUNC) != 0 || bytes > total) {
                status = NtStatus.STATUS_BUFFER_OVERFLOW;  // DGRAM-2: the first part, the rest discarded
                bytes = total;
            }
            if (addressSink != null) {
                addressSink.received(address, MsgHdr.nameLen(msg));
            }
        }
        complete(status, bytes);
        return true;
    }
}
