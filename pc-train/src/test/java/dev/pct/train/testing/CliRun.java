package dev.pct.train.testing;

import dev.pct.train.cli.PcTrainCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/** Runs the command line in the test JVM and captures what it says on standard error. */
public final class CliRun {

    private CliRun() {}

    /**
     * The command line's exit status and error output.
     *
     * @param status 0 done, 1 failed, 2 usage
     * @param err what it printed to standard error
     */
    public record Result(int status, String err) {}

    /**
     * Runs {@code pc-train} with arguments.
     *
     * @param args the arguments
     * @return its status and error output
     */
    public static Result run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        try {
            System.setErr(new PrintStream(err, true));
            int status = PcTrainCli.execute(args);
            return new Result(status, err.toString());
        } finally {
            System.setErr(previous);
        }
    }
}
