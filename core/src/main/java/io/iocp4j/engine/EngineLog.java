package io.iocp4j.engine;

/**
 * The engine's logger, in a class of its own so that it is looked up when something is first logged: starting the
 * logging framework takes about 10 ms, which the first CreateIoCompletionPort (it asks IoEngine whether io_uring is
 * available) and the engine's start (FixedBuffers) paid although the engine logs only failures and refusals.
 */
final class EngineLog {
    static final System.Logger LOGGER = System.getLogger("io.iocp4j.engine");

    private EngineLog() {
    }
}
