package dev.pct.train.io;

import java.io.IOException;
import java.nio.file.Path;

/** Thrown when a job is started on a run directory that another job, alive, still holds. */
public final class RunDirectoryLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The run directory. */
    private final transient Path runDirectory;
    /** What the holder wrote into the lock file (e.g. {@code pid 4242 on host gpu-3}), or empty if unknown. */
    private final String holder;

    /**
     * Creates the exception.
     *
     * @param runDirectory the run directory
     * @param holder who holds it, as the holder wrote it into the lock file, or empty if unknown
     */
    public RunDirectoryLockedException(Path runDirectory, String holder) {
        super(runDirectory.toAbsolutePath() + ": this run directory is in use by another job ("
                + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for that job to end, or give another"
                + " --run-dir. Nothing was written.");
        this.runDirectory = runDirectory;
        this.holder = holder;
    }

    /**
     * Returns the run directory.
     *
     * @return the run directory that is in use
     */
    public Path runDirectory() {
        return runDirectory;
    }

    /**
     * Returns who holds the directory.
     *
     * @return the holder as it described itself ({@code pid N on host H since T}), or empty if unknown
     */
    public String holder() {
        return holder;
    }
}
