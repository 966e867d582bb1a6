package io.iocp4j;

import static io.iocp4j.NtStatus.*;
import static io.iocp4j.linux.Errno.*;

/**
 * Linux errno -> NTSTATUS, the default column of contract 14.4. Operations apply their context overrides
 * (a reset latch, a close that turns a cancel into an abort, EOF on a file read) before or after this table.
 */
public final class ErrnoMapping {
    private ErrnoMapping() {
    }

    /** The NTSTATUS for a failed call or CQE; {@code errno} is positive (the CQE's {@code -res}). */
    public static int toStatus(int errno) {
        return switch (errno) {
            case EAGAIN, EINPROGRESS -> STATUS_DEVICE_NOT_READY;
            case EISCONN -> STATUS_CONNECTION_ACTIVE;
            case ENOTCONN, EDESTADDRREQ -> STATUS_INVALID_CONNECTION;
            case ECONNRESET, EPIPE, ENETRESET -> STATUS_CONNECTION_RESET;
            case ESHUTDOWN -> STATUS_PIPE_DISCONNECTED;
            case ECONNREFUSED -> STATUS_CONNECTION_REFUSED;
            case ECONNABORTED -> STATUS_CONNECTION_ABORTED;
            case ETIMEDOUT -> STATUS_IO_TIMEOUT;
            case ENETUNREACH -> STATUS_NETWORK_UNREACHABLE;
            case EHOSTUNREACH, EHOSTDOWN -> STATUS_HOST_UNREACHABLE;
            case ENETDOWN -> STATUS_NETWORK_BUSY;
            case EMSGSIZE -> STATUS_INVALID_BUFFER_SIZE;
            case EADDRINUSE -> STATUS_ADDRESS_ALREADY_EXISTS;
            case EADDRNOTAVAIL -> STATUS_INVALID_ADDRESS_COMPONENT;
            case EOPNOTSUPP -> STATUS_NOT_SUPPORTED;
            case EINVAL -> STATUS_INVALID_PARAMETER;
            case EFAULT -> STATUS_ACCESS_VIOLATION;
            case EBADF -> STATUS_INVALID_HANDLE;
            case ENOTSOCK -> STATUS_OBJECT_TYPE_MISMATCH;
            case EMFILE, ENFILE -> STATUS_TOO_MANY_OPENED_FILES;
            case ENOBUFS, ENOMEM -> STATUS_INSUFFICIENT_RESOURCES;
            case EACCES, EPERM, EROFS -> STATUS_ACCESS_DENIED;
            case ENOENT -> STATUS_OBJECT_NAME_NOT_FOUND;
            case ENOTDIR -> STATUS_OBJECT_PATH_NOT_FOUND;
            case EEXIST -> STATUS_OBJECT_NAME_COLLISION;
            case EISDIR -> STATUS_FILE_IS_A_DIRECTORY;
            case ENOSPC, EDQUOT, EFBIG -> STATUS_DISK_FULL;
            case EIO -> STATUS_IO_DEVICE_ERROR;
            case EBUSY, ETXTBSY -> STATUS_SHARING_VIOLATION;
            case ECANCELED -> STATUS_CANCELLED;
            default -> STATUS_INVALID_PARAMETER;
        };
    }
}
