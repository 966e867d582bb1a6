package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.linux.Sockets;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

/**
 * DisconnectEx (DISC-1..3): a graceful send-side shutdown through the ring, queued behind the socket's pending
 * sends so that they go out first; with {@code reuse} (TF_REUSE_SOCKET) the socket is then renewed under the same
 * object, ready for AcceptEx or ConnectEx again.
 */
public final class Disconnect extends SocketOperation {
    private boolean reuse;

    public void start(SocketObject s, boolean reuse) {
        this.reuse = reuse;
        issueOrdered(s, false);
    }

    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        Sqe.prepShutdown(sq.sqes(), sq.next(), socket.fd(), Sockets.SHUT_WR, userData);
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0 && res != -io.iocp4j.linux.Errno.ENOTCONN) {
            complete(failureStatus(-res), 0);
            return true;
        }
        socket.latchShutdown(false, true);
        if (reuse) {
            int r = socket.renew();
            if (r < 0) {
                complete(socket.statusOf(-r), 0);
                return true;
            }
        }
        complete(NtStatus.STATUS_SUCCESS, 0);
        return true;
    }
}
