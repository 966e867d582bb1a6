package io.iocp4j.win32;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * Thread ids and thread handles for the APC functions. Java threads are not kernel objects of this library, so a
 * thread becomes reachable by id once it has asked for its own id (GetCurrentThreadId), which is what a Win32
 * program does before handing the id to another thread. Thread-safe.
 */
final class ThreadHandles {
    /** GetCurrentThread's pseudo-handle: means "the calling thread" wherever a thread handle is expected. */
    static final HANDLE CURRENT_THREAD = new HANDLE(-2L, null);

    /** Weak values: a registered thread that ended and was collected is forgotten. */
    private static final Map<Long, WeakReference<Thread>> BY_ID = new HashMap<>();

    private ThreadHandles() {
    }

    static synchronized long register(Thread t) {
        WeakReference<Thread> known = BY_ID.get(t.threadId());
        if (known == null || known.get() != t) {
            BY_ID.values().removeIf(r -> r.get() == null);
            BY_ID.put(t.threadId(), new WeakReference<>(t));
        }
        return t.threadId();
    }

    static synchronized Thread byId(long id) {
        WeakReference<Thread> r = BY_ID.get(id);
        return r == null ? null : r.get();
    }

    /** The thread a handle names: the pseudo-handle, or a handle from OpenThread; null if neither. */
    static Thread resolve(HANDLE h) {
        if (h == CURRENT_THREAD || (h != null && h.value() == CURRENT_THREAD.value())) {
            return Thread.currentThread();
        }
        return HandleTable.resolve(h, Thread.class);
    }
}
