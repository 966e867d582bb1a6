package io.iocp4j.win32;

/** An out-parameter of type {@code PULONG}. */
public final class ULONGByReference {
    public int value;

    public ULONGByReference() {
    }

    public ULONGByReference(int value) {
        this.value = value;
    }
}
