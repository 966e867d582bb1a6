package io.iocp4j.win32;

/**
 * {@code typedef struct fd_set { u_int fd_count; SOCKET fd_array[FD_SETSIZE]; } fd_set;}: a set of up to
 * {@link WinSock2#FD_SETSIZE} sockets for select. Filled with {@link WinSock2#FD_ZERO}, {@link WinSock2#FD_SET},
 * {@link WinSock2#FD_CLR}; select leaves in it only the sockets that are ready, as on Windows.
 */
public final class fd_set {
    public int fd_count;
    public final SOCKET[] fd_array = new SOCKET[WinSock2.FD_SETSIZE];
}
