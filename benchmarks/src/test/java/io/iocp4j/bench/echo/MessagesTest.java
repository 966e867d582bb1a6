package io.iocp4j.bench.echo;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessagesTest {
    private final Messages messages = new Messages(64);
    private final MemorySegment buffer = Arena.ofAuto().allocate(128);

    @Test
    void anEchoOfTheMessageMatches() {
        messages.write(buffer, 64, 3, 41);
        assertTrue(messages.matches(buffer, 64, 3, 41));
    }

    @Test
    void anotherSequenceOrConnectionDoesNotMatch() {
        messages.write(buffer, 0, 3, 41);
        assertFalse(messages.matches(buffer, 0, 3, 42));
        assertFalse(messages.matches(buffer, 0, 4, 41));
    }

    @Test
    void oneChangedBodyByteDoesNotMatch() {
        messages.write(buffer, 0, 3, 41);
        buffer.set(ValueLayout.JAVA_BYTE, 63, (byte) (buffer.get(ValueLayout.JAVA_BYTE, 63) ^ 1));
        assertFalse(messages.matches(buffer, 0, 3, 41));
    }
}
