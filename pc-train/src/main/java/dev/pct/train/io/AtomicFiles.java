package dev.pct.train.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Writes files so that a reader sees either the old content or the new one, never half of it. */
public final class AtomicFiles {

    /** What writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the content.
         *
         * @param out the stream to write to (closed by the caller)
         * @throws IOException when writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes a file through a temporary sibling that is flushed to disk and then renamed over the target.
     *
     * @param target the file to write
     * @param writer what writes the content
     * @throws IOException when writing or renaming fails; the target is then untouched
     */
    public static void write(Path target, Writer writer) throws IOException {
        try {
            writeThroughTemporary(target, writer);
        } catch (IOException e) {
            throw naming(target, e);
        }
    }

    /**
     * Returns an exception whose message names the file: the JDK's own for a failed open, create or rename
     * names it already, but a failed write ("No space left on device") does not.
     *
     * @param file the file that was being written
     * @param e what went wrong
     * @return {@code e} if it names a file, else an exception that names {@code file}, with {@code e} as its cause
     */
    public static IOException naming(Path file, IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return e;
        }
        return new IOException(file + ": " + e.getMessage(), e);
    }

    private static void writeThroughTemporary(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = new java.io.BufferedOutputStream(
                            java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes a UTF-8 text file atomically.
     *
     * @param target the file
     * @param text the content
     * @throws IOException when writing fails
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes bytes atomically.
     *
     * @param target the file
     * @param content the content
     * @throws IOException when writing fails
     */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /**
     * Deletes a folder and everything in it, deepest first; nothing when it does not exist.
     *
     * @param dir the folder
     * @throws IOException when a file cannot be deleted
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }
}
