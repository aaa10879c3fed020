package dev.pct.train.io;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The exclusive hold of one job on its run directory: an operating-system lock on {@value #FILE_NAME} inside
 * it, taken before anything is written and released when the job ends.
 *
 * <p>The lock belongs to the process, not to the file: the operating system drops it when the process dies,
 * however it dies, so a killed job never leaves a stale lock that would block {@code --resume}. The file
 * itself stays (deleting it on release would let a job that opened the old file and one that creates a new
 * one both hold "the" lock); its content, the holder's PID, host and start time, is only for the message of
 * the job that is refused, and is cleared on release.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name inside the run directory. */
    public static final String FILE_NAME = ".pct.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the run directory for this process, creating it if needed.
     *
     * @param runDirectory the run directory
     * @return the held lock; close it when the job ends
     * @throws RunDirectoryLockedException naming the directory and, when it described itself, the holder,
     *     if another job (in this process or another) holds it
     * @throws IOException if the directory or the lock file cannot be created
     */
    public static RunLock acquire(Path runDirectory) throws IOException {
        Files.createDirectories(runDirectory);
        Path file = runDirectory.resolve(FILE_NAME);
        // No TRUNCATE_EXISTING: the holder's description must survive a refused attempt.
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another job of this same JVM: the same refusal
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new RunDirectoryLockedException(runDirectory, holder(file));
        }
        try {
            byte[] me = describeThisProcess().getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(me), 0);
            channel.force(false);
        } catch (IOException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new RunLock(channel, lock);
    }

    /** Clears the holder's description and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    private static String holder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return ""; // the message still names the directory
        }
    }

    private static String describeThisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return "pid " + ProcessHandle.current().pid() + " on host " + host + " since " + Instant.now();
    }
}
