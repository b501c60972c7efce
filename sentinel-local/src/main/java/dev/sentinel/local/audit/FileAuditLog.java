package dev.sentinel.local.audit;

import static java.util.Objects.requireNonNull;

import dev.sentinel.audit.AuditRecord;
import dev.sentinel.audit.AuditSink;
import dev.sentinel.audit.ChainVerifier;
import dev.sentinel.audit.LogChain;
import dev.sentinel.error.ErrorCode;
import dev.sentinel.error.SentinelException;
import dev.sentinel.local.home.InProcessLocks;
import dev.sentinel.local.home.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decision log as a hash-chained JSON Lines file (DESIGN.md 4.6), safe for concurrent processes:
 * each append takes an exclusive lock on the file, chains to the last line, writes and syncs, then
 * updates the MAC'd head record ({@code <file>.head}) that lets a verifier detect a truncated tail.
 *
 * <p>The head file holds two fixed-size slots, each a head record padded to {@value #SLOT} bytes with a
 * final newline. An update overwrites the slot holding the lower {@code seq} in place, without a sync
 * of its own: the line it names is already on disk, so the head can never name a line the log lost, and
 * an update that a crash interrupts or loses leaves the other slot intact, a head that is merely behind
 * (a warning when verifying). This keeps one sync per group of lines instead of two.
 *
 * <p>A record that may wait for its sync ({@link AuditRecord#syncAtOnce()} false: credentials handed out
 * again) is written before {@link #record} returns, so a full or broken disk still refuses it, but its
 * sync and the head update that names it come with the next line that must be synced, or from a
 * background flush {@value #DEFERRED_SYNC_MILLIS} ms later, or when the JVM shuts down, whichever is
 * first. Until then the head is behind, and a crash of the machine (not of the process) may lose those
 * lines.
 */
public final class FileAuditLog implements AuditSink {
    /** How much of the file's end is read first to find the last line; widened while it holds too few. */
    private static final int TAIL_CHUNK = 4 * 1024;
    /** The size of one head slot; a head record is at most 176 bytes. */
    static final int SLOT = 256;
    /** No head slot is known to hold the older record: the head file is read to find it. */
    private static final int UNKNOWN_SLOT = -1;

    private static final Pattern SLOT_SEQ = Pattern.compile("^\\{\"seq\":(\\d{1,18}),");
    /** At most this long after a line whose sync may wait, the line is synced and the head names it. */
    static final long DEFERRED_SYNC_MILLIS = 1000;

    private final Path file;
    private final Path head;
    private final LogChain chain;
    /** Where this log's last append ended; the next append reads the tail only if the file changed since. */
    private volatile End lastEnd;

    /**
     * The file (by its key, an inode), its size, the last line's seq and hash, the head slot last written
     * ({@link #UNKNOWN_SLOT} when not known), and whether that last line is synced and named by the head,
     * after an append.
     */
    private record End(Object fileKey, long size, long seq, String hash, int headSlot, boolean synced) {}

    /** One line to append, and whether it must be synced before its caller goes on. */
    private record Line(String json, boolean syncAtOnce) {}

    public FileAuditLog(Path file, byte[] macKey) {
        this.file = requireNonNull(file, "file is null");
        this.head = headOf(file);
        this.chain = new LogChain(macKey);
    }

    public static Path headOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".head");
    }

    @Override
    public void record(AuditRecord record) {
        append(record.toJson(), record.syncAtOnce());
    }

    /**
     * Appends one JSON object as the next line of the chain, and returns once it is on disk. Concurrent
     * appends to the same file in this process are committed together: one thread writes every line
     * waiting at that moment with one sync and one head update, and each caller returns (or fails) with
     * the batch its line was in.
     */
    public void append(String entryJson) {
        append(entryJson, true);
    }

    private void append(String entryJson, boolean syncAtOnce) {
        requireNonNull(entryJson, "entryJson is null");
        PrivateFiles.directory(file.toAbsolutePath().getParent());
        GroupCommit.<Line>of(file.toAbsolutePath()).commit(new Line(entryJson, syncAtOnce), this::appendBatch);
    }

    /**
     * Syncs the lines this log wrote without their sync, and moves the head to them. Returns at once when
     * there are none.
     *
     * @throws SentinelException AUDIT_LOG_UNAVAILABLE when the file cannot be synced
     */
    public void flush() {
        ReentrantLock threads = InProcessLocks.of(file);
        threads.lock();
        try {
            End known = lastEnd;
            if (known == null || known.synced()) {
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                channel.force(false);
                Object fileKey =
                        Files.readAttributes(file, BasicFileAttributes.class).fileKey();
                if (channel.size() == known.size() && fileKey != null && fileKey.equals(known.fileKey())) {
                    int slot = writeHead(chain.sealHead(known.seq(), known.hash()), other(known.headSlot()));
                    lastEnd = new End(fileKey, known.size(), known.seq(), known.hash(), slot, true);
                } else {
                    // Another writer appended since: the sync above covered these lines too, and that
                    // writer's own sync or flush moves the head past them.
                    lastEnd = null;
                }
            }
        } catch (IOException e) {
            throw unavailable(e);
        } finally {
            threads.unlock();
        }
    }

    private void appendBatch(List<Line> entries) {
        ReentrantLock threads = InProcessLocks.of(file);
        threads.lock();
        try {
            appendLocked(entries);
        } finally {
            threads.unlock();
        }
    }

    private void appendLocked(List<Line> entries) {
        try (FileChannel channel = FileChannel.open(
                        file,
                        Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                FileLock ignored = channel.lock()) {
            long size = channel.size();
            Object fileKey =
                    Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            End known = lastEnd;
            long seq = 1;
            String prev = LogChain.GENESIS;
            int headSlot = UNKNOWN_SLOT;
            StringBuilder out = new StringBuilder();
            if (known != null && known.size() == size && fileKey != null && fileKey.equals(known.fileKey())) {
                seq = known.seq() + 1;
                prev = known.hash();
                headSlot = known.headSlot();
            } else {
                List<String> tail = lastLines(channel, size);
                if (!tail.isEmpty()) {
                    prev = LogChain.hash(tail.get(tail.size() - 1));
                    seq = nextSeq(tail);
                    if (!endsWithNewline(channel, size)) {
                        out.append('\n');
                    }
                }
            }
            boolean syncAtOnce = false;
            for (Line entry : entries) {
                syncAtOnce |= entry.syncAtOnce();
                String line = chain.seal(seq, prev, entry.json());
                out.append(line).append('\n');
                prev = LogChain.hash(line);
                seq++;
            }
            seq--;
            ByteBuffer bytes = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
            long position = size;
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
            if (syncAtOnce) {
                channel.force(false);
                headSlot = writeHead(chain.sealHead(seq, prev), other(headSlot));
            }
            lastEnd = new End(fileKey, position, seq, prev, headSlot, syncAtOnce);
        } catch (IOException e) {
            throw unavailable(e);
        }
        if (!lastEnd.synced() && !DeferredSyncs.schedule(this)) {
            flush();
        }
    }

    private SentinelException unavailable(IOException e) {
        return new SentinelException(
                ErrorCode.AUDIT_LOG_UNAVAILABLE,
                "Cannot append to the decision log " + file + ": " + e.getMessage(),
                "Sentinel issues nothing it cannot log. Check that the file and its directory are writable by you.",
                e);
    }

    /** The head slot not holding the newest record, given the one last written. */
    private static int other(int slot) {
        return slot == UNKNOWN_SLOT ? UNKNOWN_SLOT : 1 - slot;
    }

    /**
     * Puts {@code record} into head slot {@code slot} (0 or 1), the one that does not hold the newer
     * record, or, when that is {@link #UNKNOWN_SLOT}, into the slot whose {@code seq} is lower. A head file
     * without the two-slot layout (none yet, or one written by an earlier version) is replaced atomically.
     * Returns the slot written.
     */
    private int writeHead(String record, int slot) throws IOException {
        try (FileChannel channel = FileChannel.open(head, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (channel.size() == 2 * SLOT) {
                int target = slot == UNKNOWN_SLOT ? olderSlot(channel) : slot;
                ByteBuffer bytes = ByteBuffer.wrap(slot(record));
                long position = (long) target * SLOT;
                while (bytes.hasRemaining()) {
                    position += channel.write(bytes, position);
                }
                return target;
            }
        } catch (NoSuchFileException e) {
            // The first append creates the head file below.
        }
        byte[] both = new byte[2 * SLOT];
        System.arraycopy(slot(record), 0, both, 0, SLOT);
        System.arraycopy(slot(""), 0, both, SLOT, SLOT);
        PrivateFiles.write(head, both);
        return 0;
    }

    /** The slot of a two-slot head file whose record claims the lower {@code seq}. */
    private static int olderSlot(FileChannel channel) throws IOException {
        ByteBuffer slots = ByteBuffer.allocate(2 * SLOT);
        int read;
        do {
            read = channel.read(slots, slots.position());
        } while (read > 0 && slots.hasRemaining());
        String text = new String(slots.array(), 0, slots.position(), StandardCharsets.US_ASCII);
        long first = slotSeq(text.substring(0, Math.min(SLOT, text.length())));
        long second = text.length() > SLOT ? slotSeq(text.substring(SLOT)) : -1;
        return first <= second ? 0 : 1;
    }

    private static byte[] slot(String record) {
        byte[] slot = new byte[SLOT];
        Arrays.fill(slot, (byte) ' ');
        byte[] bytes = record.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, slot, 0, bytes.length);
        slot[SLOT - 1] = '\n';
        return slot;
    }

    /** The {@code seq} a slot claims, unchecked; -1 for a blank or unreadable slot. */
    private static long slotSeq(String slot) {
        Matcher m = SLOT_SEQ.matcher(slot);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Verifies the whole log file against its chain and head. */
    public ChainVerifier.Report verify() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SentinelException(
                    ErrorCode.CONFIG_INVALID,
                    "There is no log at " + file + ".",
                    "Pass the log file to verify; Sentinel's decision log is in <SENTINEL_HOME>/logs/decisions.jsonl.");
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.LOCAL_STATE_ERROR, "Cannot read " + file + ": " + e.getMessage(), "", e);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        boolean terminated = text.isEmpty() || text.endsWith("\n");
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        String headText;
        try {
            headText = Files.readString(head, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            headText = null;
        } catch (IOException e) {
            throw new SentinelException(
                    ErrorCode.LOCAL_STATE_ERROR, "Cannot read " + head + ": " + e.getMessage(), "", e);
        }
        return new ChainVerifier(chain).verify(lines, headText, terminated);
    }

    public Path file() {
        return file;
    }

    private static boolean endsWithNewline(FileChannel channel, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, size - 1);
        return one.get(0) == '\n';
    }

    /**
     * The sequence number after the last line. A torn last line (a crash mid-write) may not parse; the
     * chain then continues from the line before it, and the verifier reports only the torn line.
     */
    private static long nextSeq(List<String> tail) {
        for (int i = tail.size() - 1; i >= 0; i--) {
            LogChain.ChainLink link = LogChain.link(tail.get(i));
            if (link != null) {
                return link.seq() + 1;
            }
        }
        return 1;
    }

    /** Up to the last two non-empty lines of the file, oldest first; empty for an empty file. */
    private static List<String> lastLines(FileChannel channel, long size) throws IOException {
        long chunk = Math.min(size, TAIL_CHUNK);
        while (true) {
            long start = size - chunk;
            ByteBuffer buffer = ByteBuffer.allocate((int) chunk);
            int read;
            do {
                read = channel.read(buffer, start + buffer.position());
            } while (read > 0 && buffer.hasRemaining());
            List<String> lines = new ArrayList<>(
                    List.of(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n")));
            lines.removeIf(String::isEmpty);
            int firstComplete = start == 0 ? 0 : 1;
            if (start == 0 || lines.size() - firstComplete >= 2) {
                return List.copyOf(lines.subList(Math.max(firstComplete, lines.size() - 2), lines.size()));
            }
            chunk = Math.min(size, chunk * 4);
        }
    }
}
