package io.iocp4j.win32;

import java.util.UUID;

/** A GUID, as WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) takes it (EXT-1). */
public record GUID(UUID uuid) {
    public static GUID of(String text) {
        return new GUID(UUID.fromString(text));
    }
}
