package io.iocp4j.engine;

import io.iocp4j.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** The fixed-buffer table on a real ring: matching by address and memory, registration at first use, slot reuse. */
class FixedBuffersTest {
    private final IoUring ring = IoUring.setup(8, 0);
    private final FixedBuffers table = new FixedBuffers(ring);

    @AfterEach
    void close() {
        ring.close();
    }

    @Test
    @DisplayName("a region is registered at its first use; slices inside it share its slot; other memory gets none")
    void matchesRegionsAndRegistersOnFirstUse() {
        MemorySegment a = Arena.ofAuto().allocate(65536, 4096);
        MemorySegment b = Arena.ofAuto().allocate(8192, 4096);
        table.offer(new FixedBuffers.Region(a));
        table.offer(new FixedBuffers.Region(b));
        assertEquals(0, table.registered(), "offering pins nothing");
        int slot = table.slotFor(a, a.address() + 4096, 4096);
        assertTrue(slot >= 0);
        assertEquals(1, table.registered());
        MemorySegment slice = a.asSlice(8192, 8192);
        assertEquals(slot, table.slotFor(slice, slice.address(), slice.byteSize()), "a slice is the same memory");
        assertEquals(-1, table.slotFor(a, a.address() + 61440, 8192), "a range that leaves the region");
        int other = table.slotFor(b, b.address(), 8192);
        assertTrue(other >= 0 && other != slot);
        MemorySegment unoffered = Arena.ofAuto().allocate(4096, 4096);
        assertEquals(-1, table.slotFor(unoffered, unoffered.address(), 4096));
        assertEquals(2, table.registered());
    }

    @Test
    @DisplayName("memory at a region's address that is not the region's memory never uses its registration")
    void sameAddressOtherMemory() {
        MemorySegment a = Arena.ofAuto().allocate(16384, 4096);
        table.offer(new FixedBuffers.Region(a));
        assertTrue(table.slotFor(a, a.address(), 4096) >= 0);
        MemorySegment alias = MemorySegment.ofAddress(a.address()).reinterpret(16384);  // another scope
        assertEquals(-1, table.slotFor(alias, alias.address(), 4096));
    }

    @Test
    @DisplayName("a withdrawn region gives its slot back, for a region offered later, and matches nothing more")
    void withdrawFreesTheSlot() {
        MemorySegment[] memory = new MemorySegment[FixedBuffers.SLOTS + 1];
        FixedBuffers.Region[] regions = new FixedBuffers.Region[memory.length];
        for (int i = 0; i < FixedBuffers.SLOTS; i++) {
            memory[i] = Arena.ofAuto().allocate(4096, 4096);
            regions[i] = new FixedBuffers.Region(memory[i]);
            table.offer(regions[i]);
            assertTrue(table.slotFor(memory[i], memory[i].address(), 4096) >= 0, "region " + i);
        }
        MemorySegment last = Arena.ofAuto().allocate(4096, 4096);
        table.offer(new FixedBuffers.Region(last));
        assertEquals(-1, table.slotFor(last, last.address(), 4096), "every slot taken: plain addresses");

        MemorySegment late = Arena.ofAuto().allocate(4096, 4096);
        table.withdraw(regions[7]);
        assertEquals(-1, table.slotFor(memory[7], memory[7].address(), 4096), "withdrawn");
        table.offer(new FixedBuffers.Region(late));
        assertTrue(table.slotFor(late, late.address(), 4096) >= 0, "the slot given back is used again");
        assertEquals(FixedBuffers.SLOTS, table.registered());
    }
}
