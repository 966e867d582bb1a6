package io.iocp4j.win32;

/** {@code struct linger { u_short l_onoff; u_short l_linger; }} for SO_LINGER. */
public final class LINGER {
    public short l_onoff;
    public short l_linger;

    public LINGER() {
    }

    public LINGER(int onoff, int linger) {
        this.l_onoff = (short) onoff;
        this.l_linger = (short) linger;
    }
}
