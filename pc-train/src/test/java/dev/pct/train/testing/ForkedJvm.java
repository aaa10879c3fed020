package dev.pct.train.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs a main class in a new JVM, for tests that need their own class path or heap. */
public final class ForkedJvm {

    private ForkedJvm() {}

    /**
     * What a forked JVM did.
     *
     * @param status its exit status
     * @param output its standard output and error, interleaved
     */
    public record Outcome(int status, String output) {}

    /**
     * Returns the test class path's entries (Surefire's, not its booter jar's).
     *
     * @return the entries
     */
    public static List<String> testClassPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(path.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    }

    /**
     * Runs a main class and waits for it.
     *
     * @param classPath the new JVM's class path
     * @param jvmOptions options such as {@code -Xmx64m}
     * @param mainClass the class to run
     * @param args its arguments
     * @param timeoutSeconds how long to wait before killing it
     * @return its exit status and output
     * @throws IOException if it cannot be started
     * @throws InterruptedException if the wait is interrupted
     */
    public static Outcome run(List<String> classPath, List<String> jvmOptions, String mainClass, List<String> args,
            long timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(mainClass);
        command.addAll(args);
        Path log = Files.createTempFile("forked-jvm", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Outcome(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n(killed after "
                        + timeoutSeconds + " s)");
            }
            return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Starts a main class in a new JVM on the test class path and returns at once, for tests that need another
     * process alive beside them (its output is discarded; the caller ends it).
     *
     * @param mainClass the class to run
     * @param args its arguments
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static Process start(String mainClass, List<String> args) throws IOException {
        return start(List.of(), mainClass, args);
    }

    /**
     * Starts a main class in a new JVM on the test class path with the given JVM options and returns at once
     * (its output is discarded; the caller ends it).
     *
     * @param jvmOptions options such as {@code -Dai.djl.offline=true}
     * @param mainClass the class to run
     * @param args its arguments
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static Process start(List<String> jvmOptions, String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, testClassPath()));
        command.add(mainClass);
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /**
     * Returns the test class path without some entries.
     *
     * @param drop which entries to leave out
     * @return the rest
     */
    public static List<String> testClassPathWithout(Predicate<String> drop) {
        return testClassPath().stream().filter(drop.negate()).toList();
    }
}
