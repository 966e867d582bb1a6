package io.iocp4j.examples.nanomsg;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.WSABUF;

import java.lang.foreign.MemorySegment;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;

/**
 * The part of nanomsg's {@code usock_win.inc} that drives the worker: a socket with an inbound and an outbound
 * op. A receive asks for exactly {@code len} bytes and is resumed by the worker until they have all come
 * ({@code nn_usock_recv_start_wsock}); a send completes in full, so it needs no resume.
 */
public final class NnUsock {
    public static final int SRC_IN = 1;
    public static final int SRC_OUT = 2;

    final SOCKET p;
    final NnWorkerOp in;
    final NnWorkerOp out;
    private final WSABUF[] inBuf = {new WSABUF()};
    private final WSABUF[] outBuf = {new WSABUF()};
    private final DWORDByReference flags = new DWORDByReference();

    public NnUsock(SOCKET p, NnFsm owner) {
        this.p = p;
        this.in = new NnWorkerOp(SRC_IN, owner);
        this.out = new NnWorkerOp(SRC_OUT, owner);
    }

    /** {@code nn_usock_create_io_completion}: associates the socket with the worker's port (key NULL). */
    public void createIoCompletion(NnWorker worker) {
        HANDLE cp = CreateIoCompletionPort(p, worker.getcp(), null, 0);
        NnWorker.win_assert(cp != null);
    }

    /** {@code nn_usock_recv}: NN_WORKER_OP_DONE is fed once all {@code len} bytes are in {@code buf}. */
    public void recv(MemorySegment buf, long len) {
        in.resid = len;
        in.buf = buf;
        in.arg = this;
        in.start = usock -> recvStartWsock();
        in.state = NnWorkerOp.NN_WORKER_OP_STATE_ACTIVE;
        in.start.accept(in.arg);
    }

    /** {@code nn_usock_recv_start_wsock}: (re)issues WSARecv for what is still missing. */
    private void recvStartWsock() {
        ZeroMemory(in);
        inBuf[0].len = (int) Math.min(in.resid, Integer.MAX_VALUE);
        inBuf[0].buf = in.buf;
        flags.value = 0;
        int rc = WSARecv(p, inBuf, 1, null, flags, in, null);
        NnWorker.win_assert(rc == 0 || WSAGetLastError() == WSA_IO_PENDING);
    }

    /** {@code nn_usock_send}: NN_WORKER_OP_DONE is fed when the bytes are sent. */
    public void send(MemorySegment buf, long len) {
        ZeroMemory(out);
        out.start = null;
        out.state = NnWorkerOp.NN_WORKER_OP_STATE_ACTIVE;
        outBuf[0].len = (int) len;
        outBuf[0].buf = buf;
        int rc = WSASend(p, outBuf, 1, null, 0, out, null);
        NnWorker.win_assert(rc == 0 || WSAGetLastError() == WSA_IO_PENDING);
    }

    public void close() {
        closesocket(p);
    }
}
