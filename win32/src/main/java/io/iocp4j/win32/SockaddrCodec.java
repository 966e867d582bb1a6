package io.iocp4j.win32;

import io.iocp4j.linux.Sockets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Windows sockaddr objects <-> Linux sockaddr bytes. The layouts agree except for the family numbers (LNX-14):
 * AF_INET6 is 23 on Windows and 10 on Linux.
 */
final class SockaddrCodec {
    private SockaddrCodec() {
    }

    static int linuxFamily(int windowsFamily) {
        return switch (windowsFamily) {
            case WinSock2.AF_INET -> Sockets.AF_INET;
            case WinSock2.AF_INET6 -> Sockets.AF_INET6;
            case WinSock2.AF_UNIX -> Sockets.AF_UNIX;
            default -> -1;
        };
    }

    static short windowsFamily(int linuxFamily) {
        return switch (linuxFamily) {
            case Sockets.AF_INET -> WinSock2.AF_INET;
            case Sockets.AF_INET6 -> WinSock2.AF_INET6;
            case Sockets.AF_UNIX -> WinSock2.AF_UNIX;
            default -> (short) linuxFamily;
        };
    }

    /** The Windows structure size for a family: 16, 28, or 110 for AF_UNIX. */
    static int windowsSize(int windowsFamily) {
        return switch (windowsFamily) {
            case WinSock2.AF_INET -> SOCKADDR_IN.SIZE;
            case WinSock2.AF_INET6 -> SOCKADDR_IN6.SIZE;
            default -> 110;
        };
    }

    /**
     * Encodes {@code a} as a Linux sockaddr into {@code out}; returns its length, or -1 when {@code namelen} is
     * smaller than the family's structure (WSAEFAULT) or the family is unknown.
     */
    static int toLinux(sockaddr a, int namelen, MemorySegment out) {
        int family = a.family();
        int size = windowsSize(family);
        if (linuxFamily(family) < 0 || namelen < size) {
            return -1;
        }
        out.asSlice(0, size).fill((byte) 0);
        a.write(out);
        out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) linuxFamily(family));
        return family == WinSock2.AF_UNIX ? Math.min(namelen, 110) : size;
    }

    /** Decodes a Linux sockaddr into Windows bytes in {@code windows} and returns the Windows length. */
    static int toWindows(MemorySegment linux, int linuxLength, MemorySegment windows) {
        int family = windowsFamily(linux.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
        int size = Math.min(windowsSize(family), linuxLength);
        MemorySegment.copy(linux, 0, windows, 0, size);
        windows.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) family);
        return size;
    }

    /** Fills {@code target} from a Linux sockaddr; returns the Windows length, or -1 if {@code target} is of another family. */
    static int fill(MemorySegment linux, int linuxLength, sockaddr target) {
        MemorySegment w = MemorySegment.ofArray(new byte[SOCKADDR_STORAGE.SIZE]);
        int len = toWindows(linux, linuxLength, w);
        short family = w.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0);
        // An out-parameter: the type decides what it can hold, not the family field it happens to contain (C code
        // zeroes these before getsockname/recvfrom).
        short holds = target instanceof SOCKADDR_IN ? WinSock2.AF_INET
                : target instanceof SOCKADDR_IN6 ? WinSock2.AF_INET6 : target.family();
        if (!(target instanceof SOCKADDR_STORAGE) && holds != family) {
            return -1;
        }
        target.read(w);
        return len;
    }
}
