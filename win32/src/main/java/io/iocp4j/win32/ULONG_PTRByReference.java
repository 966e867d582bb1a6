package io.iocp4j.win32;

/**
 * An out-parameter of type {@code PULONG_PTR}: a completion key.
 *
 * <p>Keys are Java references. Ported code passes its per-handle data object where C passes
 * {@code (ULONG_PTR)PerHandleData}, and gets the same reference back, so {@code (PER_HANDLE_DATA) key.value} is
 * the Java spelling of the cast. Numeric keys (posted opcodes, sentinels) box to {@code Long}/{@code Integer};
 * {@link #longValue()} reads them back as the 64-bit value C would see.
 */
public final class ULONG_PTRByReference {
    public Object value;

    public ULONG_PTRByReference() {
    }

    public ULONG_PTRByReference(Object value) {
        this.value = value;
    }

    /** The key as a number: 0 for null, the value of a boxed number; an object key has no numeric value. */
    public long longValue() {
        return switch (value) {
            case null -> 0L;
            case Number n -> n.longValue();
            default -> throw new IllegalStateException("the key is an object, not a number: " + value);
        };
    }
}
