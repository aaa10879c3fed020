package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.RunFiles;
import dev.pct.train.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A disk that fills up or an output folder that is read-only: the job stops with one line that names the
 * path and the reason, and leaves nothing that a later resume would trust. The disks are small tmpfs mounts,
 * so the test needs root and mount(8), as CI and the project's machines have; elsewhere it is skipped.
 */
class FullDiskTest {

    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final List<String> OVERRIDES =
            List.of("--set", "training.epochs=4", "--set", "training.checkpoint_every_epochs=1");

    @TempDir
    Path tmp;

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        List<String> open = new ArrayList<>();
        for (Path m : mounts) {
            if (!command("umount", m.toString())) {
                open.addAll(openFilesUnder(m));
                command("umount", "-l", m.toString()); // so that the temporary folder can go
            }
        }
        // A job that failed must have closed what it opened: a JVM that runs jobs one after another
        // (the Java API, a service) would otherwise keep files open and log into a finished run's log.
        assertTrue(open.isEmpty(), "files the failed job left open: " + open);
    }

    private static List<String> openFilesUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir.toAbsolutePath())) {
                        out.add(target.toString());
                    }
                } catch (IOException e) {
                    // the descriptor closed while listing
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "disk of {0}% of the run")
    @ValueSource(ints = {30, 70})
    void aFullDiskStopsTheJobNamingTheFileAndAResumeElsewhereEndsLikeAnUninterruptedRun(int percent)
            throws Exception {
        Path straight = tmp.resolve("straight");
        assertEquals(0, CliRun.run(args(straight)).status());
        long runBytes = bytes(straight);

        Path disk = mount("size=" + Math.max(64, runBytes * percent / 100 / 1024) + "k");
        Path run = disk.resolve("run");
        CliRun.Result full = CliRun.run(args(run));
        assertEquals(1, full.status(), full.err());
        assertTrue(full.err().contains("No space left on device") && full.err().contains(run.toString()),
                "the error names the file and the reason: " + full.err());
        assertFalse(full.err().contains("\tat "), "one line, no stack trace: " + full.err());

        // Moved to a disk with room, the run resumes from what it kept and ends with the uninterrupted bytes.
        Path moved = tmp.resolve("moved");
        Trees.copy(run, moved);
        CliRun.Result resumed = CliRun.run("train", "--resume", moved.toString());
        assertEquals(0, resumed.status(), resumed.err());
        RunFiles.assertSameResults(straight, moved, "disk full at " + percent + "% of the run");
    }

    @Test
    void aReadOnlyOutputFolderStopsTheJobNamingIt() throws Exception {
        Path disk = mount("size=1m");
        Files.createDirectories(disk.resolve("runs"));
        command("mount", "-o", "remount,ro", disk.toString());
        Path run = disk.resolve("runs/run");
        CliRun.Result result = CliRun.run(args(run));
        assertEquals(1, result.status(), result.err());
        assertTrue(result.err().contains("Read-only file system") && result.err().contains(run.toString()),
                result.err());
        assertFalse(Files.exists(run));
    }

    private static String[] args(Path run) {
        List<String> args = new ArrayList<>(List.of("train", SMOKE.toString(), "--run-dir", run.toString()));
        args.addAll(OVERRIDES);
        return args.toArray(String[]::new);
    }

    private Path mount(String options) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("disk-" + mounts.size()));
        boolean mounted = command("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
        assumeTrue(mounted, "mounting a tmpfs needs root and mount(8)");
        mounts.add(dir);
        return dir;
    }

    private static boolean command(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
