package io.iocp4j;

/** Something an operation sets when it completes: an event object (OVL-4, EVT rules). */
public interface Signal {
    void set();
}
