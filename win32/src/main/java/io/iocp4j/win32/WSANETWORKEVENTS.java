package io.iocp4j.win32;

/**
 * {@code typedef struct _WSANETWORKEVENTS { long lNetworkEvents; int iErrorCode[FD_MAX_EVENTS]; } WSANETWORKEVENTS;}:
 * what WSAEnumNetworkEvents reports. {@code iErrorCode[FD_CLOSE_BIT]} is 0 for a graceful close, WSAECONNRESET or
 * WSAECONNABORTED otherwise; {@code iErrorCode[FD_CONNECT_BIT]} is 0 or why the connect failed.
 */
public final class WSANETWORKEVENTS {
    public int lNetworkEvents;
    public final int[] iErrorCode = new int[WinSock2.FD_MAX_EVENTS];
}
