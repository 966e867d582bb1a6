package io.iocp4j.file;

import io.iocp4j.ErrnoMapping;
import io.iocp4j.NtStatus;
import io.iocp4j.OverlappedOperation;
import io.iocp4j.linux.Files;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.lang.foreign.MemorySegment;

/**
 * An overlapped read or write at an explicit position (FILE-2, FILE-3). Writes complete in full or fail, as on
 * Windows: a short write is continued from where it stopped. A read that starts at or beyond EOF ends with
 * STATUS_END_OF_FILE; one that crosses EOF succeeds with the bytes there were. Reusable once delivered.
 */
public final class FileIo extends OverlappedOperation {
    /** Offset = OffsetHigh = 0xFFFFFFFF: write at the end of the file (FILE-3), atomically (LNX-19). */
    public static final long APPEND = -1L;

    private FileObject file;
    /** Kept reachable until delivery: the kernel writes into (or reads from) it. */
    private MemorySegment buffer;
    private int length;
    private long position;
    private boolean write;
    private int done;

    /** Describes the transfer; then {@link FileObject#start} issues it. */
    public FileIo transfer(MemorySegment buffer, int length, long position, boolean write) {
        this.buffer = buffer;
        this.length = length;
        this.position = position;
        this.write = write;
        this.done = 0;
        return this;
    }

    /** Returns the byte count if the transfer completed at once, else -1 (it is pending in the ring). */
    long begin(FileObject f) {
        this.file = f;
        if (!issueQueued(f)) {
            return -1;  // closed meanwhile: delivered as aborted
        }
        if (!write && length > 0 && f.readsCachedInline()) {
            long n = readCached(f);
            if (n >= 0) {
                return n;
            }
        }
        f.engine().submit(this);
        return -1;
    }

    /**
     * Windows copies a read whose data is all in the cache on the caller's thread (fast I/O) and reports it
     * complete at once (FILE-7); the ring's round trip through the driver thread costs several times the copy.
     * Only a read that is served in full counts: a short one may be a partly cached range, and a read at EOF ends
     * with STATUS_END_OF_FILE; both go to the ring, which waits for the disk or reports the end. Registered as
     * pending first, so that a concurrent close cannot release the fd during the read. Returns the byte count
     * delivered, or -1 if the ring must do the read.
     */
    private long readCached(FileObject f) {
        long n = Files.preadCached(f.fd(), buffer, length, position);
        if (n != length) {
            return -1;
        }
        done = length;
        deliver(NtStatus.STATUS_SUCCESS, true);
        return n;
    }

    /**
     * Unbuffered I/O into memory registered as a fixed buffer (VirtualAlloc's) names its slot, so the kernel does not
     * pin the pages again for each transfer; buffered I/O copies through the page cache and gains nothing from it.
     */
    @Override
    protected boolean prepare(SubmissionQueue sq, long userData) {
        long address = buffer.address() + done;
        int rest = length - done;
        boolean append = write && position == APPEND;
        long offset = append ? 0 : position + done;
        int rwFlags = append ? Sqe.RWF_APPEND : 0;
        int slot = file.isUnbuffered() ? file.engine().fixedBufferSlot(buffer, address, rest) : -1;
        if (slot >= 0 && write) {
            Sqe.prepWriteFixed(sq.sqes(), sq.next(), file.fd(), address, rest, offset, rwFlags, slot, userData);
        } else if (slot >= 0) {
            Sqe.prepReadFixed(sq.sqes(), sq.next(), file.fd(), address, rest, offset, slot, userData);
        } else if (write) {
            Sqe.prepWrite(sq.sqes(), sq.next(), file.fd(), address, rest, offset, rwFlags, userData);
        } else {
            Sqe.prepRead(sq.sqes(), sq.next(), file.fd(), address, rest, offset, userData);
        }
        return true;
    }

    @Override
    protected boolean onCqe(int res, int flags) {
        if (res < 0) {
            int status = ErrnoMapping.toStatus(-res);
            if (status == NtStatus.STATUS_CANCELLED && cancelStatus() != 0) {
                status = cancelStatus();
            }
            deliver(status, false);
            return true;
        }
        done += res;
        if (write && res > 0 && done < length) {
            return false;  // Windows writes are all or nothing: continue the rest
        }
        if (!write && res == 0 && length > 0) {
            deliver(NtStatus.STATUS_END_OF_FILE, false);
            return true;
        }
        deliver(NtStatus.STATUS_SUCCESS, false);
        return true;
    }

    private void deliver(int status, boolean atOnce) {
        MemorySegment keep = buffer;
        buffer = null;
        if (atOnce) {
            finishAtOnce(status, done);
        } else {
            finish(status, done);
        }
        java.lang.ref.Reference.reachabilityFence(keep);
    }
}
