package dev.pct.train.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 digests of what a cache was made from: model files, parameter values, sample lists. */
public final class Digests {
    private Digests() {}

    /**
     * Returns a new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * Returns the hex digest of a file, or of a directory's regular files (relative names and contents, in
     * name order).
     *
     * @param path the file or directory
     * @return 64 hex digits
     * @throws UncheckedIOException if a file cannot be read
     */
    public static String of(Path path) {
        MessageDigest digest = sha256();
        try {
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
            } else {
                files = List.of(path);
            }
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                digest.update(path.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(file)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read to fingerprint it", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Adds integers to a digest.
     *
     * @param digest the digest
     * @param values the values
     */
    public static void update(MessageDigest digest, int[] values) {
        byte[] bytes = new byte[4 * values.length];
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            bytes[4 * i] = (byte) (v >>> 24);
            bytes[4 * i + 1] = (byte) (v >>> 16);
            bytes[4 * i + 2] = (byte) (v >>> 8);
            bytes[4 * i + 3] = (byte) v;
        }
        digest.update(bytes);
    }

    /**
     * Adds a string (UTF-8, then a separator) to a digest.
     *
     * @param digest the digest
     * @param text the string
     */
    public static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /**
     * Returns a digest's value as hex and resets it.
     *
     * @param digest the digest
     * @return 64 hex digits
     */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
