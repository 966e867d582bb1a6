package io.iocp4j.net;

import io.iocp4j.NtStatus;
import io.iocp4j.Parking;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * select()'s three questions about sockets (readable, writable, exceptional), answered as Windows does: from poll(2)
 * where Linux and Windows agree, from the socket's emulated state where they do not. A never-connected stream socket
 * is never ready (Linux would say POLLOUT | POLLHUP); a latched reset or shutdown makes a socket readable at once
 * (recv fails without waiting); a failed non-blocking connect is exceptional; a connect in progress is writable once
 * the ring has finished it, so a send right after select succeeds.
 */
public final class Readiness {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int EXCEPT = 4;
    /** How long a connect the kernel has finished may take to reach the socket's state through the ring. */
    private static final long CONNECT_SETTLE_NANOS = 1_000_000_000L;

    private Readiness() {
    }

    /**
     * Waits until at least one socket is ready for something it was asked about, or {@code timeoutNanos} pass
     * (negative: forever). {@code asked[i]} holds READ | WRITE | EXCEPT for {@code sockets[i]}; {@code ready[i]}
     * receives the subset that holds. Returns how many bits are set over all of {@code ready} (0 on timeout).
     * Blocks the calling thread, giving its port slot back meanwhile; -EBADF if a socket is being closed (each is in
     * a synchronous call meanwhile, see {@link SocketObject#beginSyncCall}).
     */
    public static int await(SocketObject[] sockets, int[] asked, int[] ready, long timeoutNanos) {
        int n = sockets.length;
        MemorySegment pollfds = Arena.ofAuto().allocate((long) Sockets.POLLFD_SIZE * n, 8);
        long deadline = System.nanoTime() + Math.max(timeoutNanos, 0);
        int entered = 0;
        try {
            for (; entered < n; entered++) {
                if (!sockets[entered].beginSyncCall()) {
                    return -Errno.EBADF;
                }
            }
            for (;;) {
                boolean readyByState = false;
                for (int i = 0; i < n; i++) {
                    ready[i] = byState(sockets[i], asked[i]);
                    readyByState |= ready[i] != 0;
                    short events = pollEvents(sockets[i], asked[i]);
                    Sockets.setPollFd(pollfds, i, events == 0 ? -1 : sockets[i].fd(), events);
                }
                long left = timeoutNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
                if (!readyByState && left != 0 && ParkedCall.needed()) {
                    awaitInRing(sockets, asked, timeoutNanos < 0 ? Long.MAX_VALUE : deadline);
                    left = 0;  // what is ready now, as poll(2) sees it
                }
                int r = Sockets.poll(pollfds, n, readyByState ? 0 : toMillis(left));
                if (r < 0 && r != -Errno.EINTR) {
                    return r;
                }
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (r > 0) {
                        ready[i] |= byPoll(sockets[i], asked[i], Sockets.revents(pollfds, i));
                    }
                    count += Integer.bitCount(ready[i]);
                }
                // Nothing counted after a wake-up: another thread took the data, or a connect is still settling.
                if (count > 0 || timeoutNanos >= 0 && System.nanoTime() - deadline >= 0) {
                    return count;
                }
            }
        } finally {
            for (int i = 0; i < entered; i++) {
                sockets[i].endSyncCall(0);
            }
        }
    }

    /**
     * A virtual thread's wait (it must not block its carrier in poll(2)): one ring poll per socket asked about,
     * parked until the first completes or the deadline passes; the others are then cancelled, and each completes
     * before the next look, so nothing is left in the ring.
     */
    private static void awaitInRing(SocketObject[] sockets, int[] asked, long deadline) {
        ParkedOp[] polls = new ParkedOp[sockets.length];
        for (int i = 0; i < sockets.length; i++) {
            int events = pollEvents(sockets[i], asked[i]);
            if (events != 0) {
                polls[i] = ParkedOp.poll(sockets[i], events);
            }
        }
        boolean interrupted = false;  // select knows no interrupts; given back afterwards (Parking)
        for (long left; !anyDone(polls) && (left = deadline - System.nanoTime()) > 0; ) {
            interrupted |= Parking.park(Readiness.class, left);
        }
        Parking.reassert(interrupted);
        for (ParkedOp p : polls) {
            if (p != null && !p.call().isDone()) {
                p.cancel();
            }
        }
        for (ParkedOp p : polls) {
            if (p != null) {
                p.call().await();
            }
        }
    }

    private static boolean anyDone(ParkedOp[] polls) {
        for (ParkedOp p : polls) {
            if (p != null && p.call().isDone()) {
                return true;
            }
        }
        return false;
    }

    private static int toMillis(long nanos) {
        return nanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }

    /** What the socket's own state answers without asking the kernel. */
    private static int byState(SocketObject s, int asked) {
        int ready = 0;
        if ((asked & READ) != 0 && s.receiveRefusal() != NtStatus.STATUS_SUCCESS && s.isConnected()) {
            ready |= READ;  // a latched reset or shutdown: recv fails at once
        }
        if ((asked & WRITE) != 0 && s.sendRefusal(false) != NtStatus.STATUS_SUCCESS && s.isConnected()) {
            ready |= WRITE;
        }
        if ((asked & EXCEPT) != 0 && s.hasConnectError()) {
            ready |= EXCEPT;
        }
        return ready;
    }

    /** The poll(2) events worth waiting for; 0 when the kernel cannot tell (the socket is then left out). */
    private static short pollEvents(SocketObject s, int asked) {
        int events = 0;
        if (s.isListening()) {
            return (asked & READ) != 0 ? Sockets.POLLIN : 0;
        }
        if (s.isStream() && !s.isConnected()) {
            return s.isConnecting() && (asked & (WRITE | EXCEPT)) != 0 ? Sockets.POLLOUT : 0;
        }
        if ((asked & READ) != 0) {
            events |= Sockets.POLLIN | Sockets.POLLRDHUP;
        }
        if ((asked & WRITE) != 0) {
            events |= Sockets.POLLOUT;
        }
        if ((asked & EXCEPT) != 0) {
            events |= Sockets.POLLPRI;
        }
        return (short) events;
    }

    private static int byPoll(SocketObject s, int asked, int revents) {
        if (revents == 0) {
            return 0;
        }
        if (s.isListening()) {
            return (revents & Sockets.POLLIN) != 0 ? asked & READ : 0;
        }
        if (s.isStream() && !s.isConnected()) {
            return s.isConnecting() ? connectOutcome(s, asked) : 0;
        }
        int ready = 0;
        if ((revents & (Sockets.POLLIN | Sockets.POLLRDHUP | Sockets.POLLHUP | Sockets.POLLERR)) != 0) {
            ready |= READ;
        }
        if ((revents & (Sockets.POLLOUT | Sockets.POLLERR)) != 0) {
            ready |= WRITE;
        }
        if ((revents & Sockets.POLLPRI) != 0) {
            ready |= EXCEPT;
        }
        return ready & asked;
    }

    /** The kernel finished a non-blocking connect: waits for the ring to report it, then writable or exceptional. */
    private static int connectOutcome(SocketObject s, int asked) {
        long until = System.nanoTime() + CONNECT_SETTLE_NANOS;
        while (s.isConnecting() && System.nanoTime() - until < 0) {
            Thread.yield();
        }
        if (s.isConnected()) {
            return asked & WRITE;
        }
        return s.hasConnectError() ? asked & EXCEPT : 0;
    }
}
