package io.iocp4j.win32;

import java.lang.foreign.MemorySegment;

/**
 * The function-pointer types WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) hands out (EXT-1). Ported code keeps its
 * {@code LPFN_ACCEPTEX lpfnAcceptEx} variable and calls {@code lpfnAcceptEx.AcceptEx(...)}.
 */
public final class ExtensionFunctions {
    private ExtensionFunctions() {
    }

    @FunctionalInterface
    public interface LPFN_ACCEPTEX {
        boolean AcceptEx(SOCKET sListenSocket, SOCKET sAcceptSocket, MemorySegment lpOutputBuffer,
                         int dwReceiveDataLength, int dwLocalAddressLength, int dwRemoteAddressLength,
                         DWORDByReference lpdwBytesReceived, OVERLAPPED lpOverlapped);
    }

    @FunctionalInterface
    public interface LPFN_GETACCEPTEXSOCKADDRS {
        void GetAcceptExSockaddrs(MemorySegment lpOutputBuffer, int dwReceiveDataLength, int dwLocalAddressLength,
                                  int dwRemoteAddressLength, SockaddrByReference LocalSockaddr,
                                  INTByReference LocalSockaddrLength, SockaddrByReference RemoteSockaddr,
                                  INTByReference RemoteSockaddrLength);
    }

    @FunctionalInterface
    public interface LPFN_CONNECTEX {
        boolean ConnectEx(SOCKET s, sockaddr name, int namelen, MemorySegment lpSendBuffer, int dwSendDataLength,
                          DWORDByReference lpdwBytesSent, OVERLAPPED lpOverlapped);
    }

    @FunctionalInterface
    public interface LPFN_DISCONNECTEX {
        boolean DisconnectEx(SOCKET s, OVERLAPPED lpOverlapped, int dwFlags, int dwReserved);
    }

    @FunctionalInterface
    public interface LPFN_TRANSMITFILE {
        boolean TransmitFile(SOCKET hSocket, HANDLE hFile, int nNumberOfBytesToWrite, int nNumberOfBytesPerSend,
                             OVERLAPPED lpOverlapped, TRANSMIT_FILE_BUFFERS lpTransmitBuffers, int dwReserved);
    }

    /** An out-parameter receiving a function pointer: {@code (LPFN_ACCEPTEX) fn.value}. */
    public static final class FunctionByReference {
        public Object value;
    }

    static Object lookup(GUID guid) {
        if (guid.equals(WinSock2.WSAID_ACCEPTEX)) {
            return (LPFN_ACCEPTEX) MSWSock::AcceptEx;
        }
        if (guid.equals(WinSock2.WSAID_GETACCEPTEXSOCKADDRS)) {
            return (LPFN_GETACCEPTEXSOCKADDRS) MSWSock::GetAcceptExSockaddrs;
        }
        if (guid.equals(WinSock2.WSAID_CONNECTEX)) {
            return (LPFN_CONNECTEX) MSWSock::ConnectEx;
        }
        if (guid.equals(WinSock2.WSAID_TRANSMITFILE)) {
            return (LPFN_TRANSMITFILE) MSWSock::TransmitFile;
        }
        if (guid.equals(WinSock2.WSAID_DISCONNECTEX)) {
            return (LPFN_DISCONNECTEX) MSWSock::DisconnectEx;
        }
        return null;
    }
}
