package io.iocp4j.win32;

/** An out-parameter of type {@code LPHANDLE}. */
public final class HANDLEByReference {
    public HANDLE value;
}
