package io.iocp4j;

/**
 * NTSTATUS values: the status currency of the engine, stored in {@code OVERLAPPED.Internal} and carried by every
 * packet (CORE-3). Winsock and kernel32 results are derived from these at the API boundary (contract section 14).
 *
 * <p>Values are Java {@code int}s; widened to {@code long} (as {@code Internal} holds them) they sign-extend, so
 * {@code ov.Internal == STATUS_CANCELLED} and {@code ov.Internal == 0xC0000120} both hold as they do in C.
 */
public final class NtStatus {
    public static final int STATUS_SUCCESS = 0x00000000;
    public static final int STATUS_ABANDONED = 0x00000080;
    public static final int STATUS_USER_APC = 0x000000C0;
    public static final int STATUS_TIMEOUT = 0x00000102;
    public static final int STATUS_PENDING = 0x00000103;
    public static final int STATUS_BUFFER_OVERFLOW = 0x80000005;
    public static final int STATUS_ACCESS_VIOLATION = 0xC0000005;
    public static final int STATUS_INVALID_HANDLE = 0xC0000008;
    public static final int STATUS_INVALID_PARAMETER = 0xC000000D;
    public static final int STATUS_END_OF_FILE = 0xC0000011;
    public static final int STATUS_NO_MEMORY = 0xC0000017;
    public static final int STATUS_ACCESS_DENIED = 0xC0000022;
    public static final int STATUS_BUFFER_TOO_SMALL = 0xC0000023;
    public static final int STATUS_OBJECT_TYPE_MISMATCH = 0xC0000024;
    public static final int STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034;
    public static final int STATUS_OBJECT_NAME_COLLISION = 0xC0000035;
    public static final int STATUS_OBJECT_PATH_NOT_FOUND = 0xC000003A;
    public static final int STATUS_SHARING_VIOLATION = 0xC0000043;
    public static final int STATUS_PORT_ALREADY_SET = 0xC0000048;
    public static final int STATUS_DISK_FULL = 0xC000007F;
    public static final int STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;
    public static final int STATUS_DEVICE_NOT_READY = 0xC00000A3;
    public static final int STATUS_PIPE_DISCONNECTED = 0xC00000B0;
    public static final int STATUS_IO_TIMEOUT = 0xC00000B5;
    public static final int STATUS_FILE_IS_A_DIRECTORY = 0xC00000BA;
    public static final int STATUS_NOT_SUPPORTED = 0xC00000BB;
    public static final int STATUS_NETWORK_BUSY = 0xC00000BF;
    public static final int STATUS_TOO_MANY_OPENED_FILES = 0xC000011F;
    public static final int STATUS_CANCELLED = 0xC0000120;
    public static final int STATUS_LOCAL_DISCONNECT = 0xC000013B;
    public static final int STATUS_REMOTE_DISCONNECT = 0xC000013C;
    public static final int STATUS_INVALID_CONNECTION = 0xC0000140;
    public static final int STATUS_INVALID_ADDRESS = 0xC0000141;
    public static final int STATUS_IO_DEVICE_ERROR = 0xC0000185;
    public static final int STATUS_INVALID_BUFFER_SIZE = 0xC0000206;
    public static final int STATUS_INVALID_ADDRESS_COMPONENT = 0xC0000207;
    public static final int STATUS_ADDRESS_ALREADY_EXISTS = 0xC000020A;
    public static final int STATUS_CONNECTION_DISCONNECTED = 0xC000020C;
    public static final int STATUS_CONNECTION_RESET = 0xC000020D;
    public static final int STATUS_NOT_FOUND = 0xC0000225;
    public static final int STATUS_CONNECTION_REFUSED = 0xC0000236;
    public static final int STATUS_GRACEFUL_DISCONNECT = 0xC0000237;
    public static final int STATUS_CONNECTION_ACTIVE = 0xC000023B;
    public static final int STATUS_NETWORK_UNREACHABLE = 0xC000023C;
    public static final int STATUS_HOST_UNREACHABLE = 0xC000023D;
    public static final int STATUS_PROTOCOL_UNREACHABLE = 0xC000023E;
    public static final int STATUS_PORT_UNREACHABLE = 0xC000023F;
    public static final int STATUS_REQUEST_ABORTED = 0xC0000240;
    public static final int STATUS_CONNECTION_ABORTED = 0xC0000241;

    private NtStatus() {
    }

    /** Errors are 0xCxxxxxxx; they never notify when they happen at issue time (CORE-2). */
    public static boolean isError(int status) {
        return (status >>> 30) == 3;
    }

    /** Warnings are 0x8xxxxxxx: not success for return values, but they notify like success (RET-4). */
    public static boolean isWarning(int status) {
        return (status >>> 30) == 2;
    }
}
