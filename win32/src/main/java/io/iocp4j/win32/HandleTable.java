package io.iocp4j.win32;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide handle table: handle value -> kernel object, with per-object handle counts so that an object
 * is torn down only when its last handle closes (CORE-1, CICP-11). Thread-safe.
 *
 * <p>Lookups through a HANDLE the table issued go straight to its entry (no map access); only handles rebuilt
 * from a raw value consult the map.
 */
final class HandleTable {
    static final long TAG_MASK = 3L;
    private static final long STEP = 4L;

    /** What one handle value names; {@code open} turns false exactly once, at CloseHandle. */
    static final class Entry {
        final long value;
        final Referent referent;
        volatile boolean open = true;

        Entry(long value, Referent referent) {
            this.value = value;
            this.referent = referent;
        }
    }

    /** An object shared by all handles that duplicate each other, closed when the last of them closes. */
    static final class Referent {
        final Object object;
        private final Runnable onLastClose;
        private int handles;

        Referent(Object object, Runnable onLastClose) {
            this.object = object;
            this.onLastClose = onLastClose;
        }

        synchronized void retain() {
            handles++;
        }

        void release() {
            boolean last;
            synchronized (this) {
                last = --handles == 0;
            }
            if (last) {
                onLastClose.run();
            }
        }
    }

    private static final ConcurrentHashMap<Long, Entry> ENTRIES = new ConcurrentHashMap<>();
    private static final AtomicLong LAST_VALUE = new AtomicLong();

    private HandleTable() {
    }

    /** Issues a new handle for a new object; {@code onLastClose} runs when its last handle is closed. */
    static HANDLE open(Object object, Runnable onLastClose, HandleFactory factory) {
        return issue(new Referent(object, onLastClose), factory);
    }

    /** Issues another handle for the object {@code existing} names (DuplicateHandle). */
    static HANDLE duplicate(HANDLE existing, HandleFactory factory) {
        Entry e = entryOf(existing);
        return e == null ? null : issue(e.referent, factory);
    }

    private static HANDLE issue(Referent referent, HandleFactory factory) {
        referent.retain();
        long value = LAST_VALUE.addAndGet(STEP);
        Entry entry = new Entry(value, referent);
        ENTRIES.put(value, entry);
        return factory.create(value, entry);
    }

    /** The object a handle names, or null if the handle is null, closed, never issued, or of another type. */
    static <T> T resolve(HANDLE h, Class<T> type) {
        Entry e = entryOf(h);
        if (e == null) {
            return null;
        }
        Object o = e.referent.object;
        return type.isInstance(o) ? type.cast(o) : null;
    }

    /** CloseHandle: false if the handle was not open. The object is torn down if this was its last handle. */
    static boolean close(HANDLE h) {
        Entry e = entryOf(h);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            if (!e.open) {
                return false;
            }
            e.open = false;
        }
        ENTRIES.remove(e.value, e);
        e.referent.release();
        return true;
    }

    /** A HANDLE for a raw value; it caches the entry when the value names one (values are never reused). */
    static HANDLE withValue(long value) {
        return new HANDLE(value, ENTRIES.get(value & ~TAG_MASK));
    }

    private static Entry entryOf(HANDLE h) {
        if (h == null || h == HANDLE.INVALID_HANDLE_VALUE) {
            return null;
        }
        Entry e = h.entry;
        if (e == null) {
            e = ENTRIES.get(h.value() & ~TAG_MASK);
        }
        return e != null && e.open ? e : null;
    }

    /** Makes the right HANDLE subtype (HANDLE, SOCKET) for an issued value. */
    @FunctionalInterface
    interface HandleFactory {
        HANDLE create(long value, Entry entry);
    }
}
