package io.iocp4j.win32;

/** An in/out {@code int*} / {@code LPINT} (address lengths, socket options). */
public final class INTByReference {
    public int value;

    public INTByReference() {
    }

    public INTByReference(int value) {
        this.value = value;
    }
}
