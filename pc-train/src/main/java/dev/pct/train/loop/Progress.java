package dev.pct.train.loop;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training progress on the console: a progress bar on a terminal, periodic log lines otherwise (CI, files).
 */
public abstract class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    /**
     * Returns the progress display suited to where the process runs.
     *
     * @param task the task name (model and seed)
     * @param steps the steps of the epoch
     * @return a progress bar on a terminal, else log lines
     */
    public static Progress start(String task, int steps) {
        boolean terminal = System.console() != null && !"false".equals(System.getProperty("pct.progressBar"));
        return terminal ? new Bar(task, steps) : new Lines(task, steps);
    }

    /**
     * Reports the state after a step.
     *
     * @param step the completed steps of the epoch
     * @param loss the mean loss since the last report, or NaN when not read this step
     * @param samplesPerSecond the throughput so far in this epoch
     */
    public abstract void update(int step, double loss, double samplesPerSecond);

    /** {@inheritDoc} */
    @Override
    public abstract void close();

    private static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(String task, int steps) {
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(steps)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .showSpeed()
                    .setUnit(" steps", 1)
                    .build();
        }

        @Override
        public void update(int step, double loss, double samplesPerSecond) {
            bar.stepTo(step);
            if (!Double.isNaN(loss)) {
                bar.setExtraMessage(String.format(" loss %.4f, %.0f samples/s", loss, samplesPerSecond));
            }
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    private static final class Lines extends Progress {
        private final String task;
        private final int steps;
        private final long start = System.nanoTime();

        Lines(String task, int steps) {
            this.task = task;
            this.steps = steps;
        }

        @Override
        public void update(int step, double loss, double samplesPerSecond) {
            if (Double.isNaN(loss)) {
                return;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long eta = Math.round(elapsed / Math.max(1, step) * (steps - step));
            Duration d = Duration.ofSeconds(eta);
            LOG.info(String.format("%s step %d/%d loss %.4f %.0f samples/s ETA %d:%02d",
                    task, step, steps, loss, samplesPerSecond, d.toMinutes(), d.toSecondsPart()));
        }

        @Override
        public void close() {}
    }
}
