package dev.pct.train.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Copying and deleting folder trees, e.g. to simulate a crashed run from a finished one. */
public final class Trees {

    private Trees() {}

    /**
     * Copies a folder and everything in it.
     *
     * @param from the folder
     * @param to where the copy goes (created)
     * @throws IOException when a file cannot be copied
     */
    public static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /**
     * Deletes a folder and everything in it.
     *
     * @param dir the folder
     * @throws IOException when a file cannot be deleted
     */
    public static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
