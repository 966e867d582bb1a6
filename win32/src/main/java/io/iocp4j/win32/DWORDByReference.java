package io.iocp4j.win32;

/** An out-parameter of type {@code LPDWORD} (unsigned 32 bits held in an int). */
public final class DWORDByReference {
    public int value;

    public DWORDByReference() {
    }

    public DWORDByReference(int value) {
        this.value = value;
    }

    /** The value as the unsigned number C sees. */
    public long unsignedValue() {
        return value & 0xFFFF_FFFFL;
    }
}
