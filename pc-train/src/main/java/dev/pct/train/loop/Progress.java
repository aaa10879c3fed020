package dev.pct.train.loop;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage's training progress on the console, over all its epochs: one live progress bar with the stage's ETA on a
 * terminal, log lines with it otherwise (CI, files). The ETA counts the time of everything done so far, evaluation
 * between epochs included, so it is the stage's, not the current epoch's.
 */
public abstract class Progress implements AutoCloseable {

    private final int firstEpoch;
    private final int epochs;
    private final int stepsPerEpoch;

    private Progress(int firstEpoch, int epochs, int stepsPerEpoch) {
        this.firstEpoch = firstEpoch;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /**
     * Returns whether progress goes to a terminal as a live bar: the JVM has a console, and the system property
     * {@code pct.progressBar} is not {@code false}.
     *
     * @return true on a terminal
     */
    public static boolean onTerminal() {
        return System.console() != null && !"false".equals(System.getProperty("pct.progressBar"));
    }

    /**
     * Returns the progress display suited to where the process runs.
     *
     * @param task the stage (model and seed)
     * @param firstEpoch the first epoch this run trains (later than 1 when resumed)
     * @param epochs the stage's last epoch
     * @param stepsPerEpoch the steps of each epoch
     * @return a progress bar on a terminal, else log lines
     */
    public static Progress start(String task, int firstEpoch, int epochs, int stepsPerEpoch) {
        return onTerminal() ? new Bar(task, firstEpoch, epochs, stepsPerEpoch)
                : new Lines(task, firstEpoch, epochs, stepsPerEpoch);
    }

    /**
     * Reports the state after a step.
     *
     * @param epoch the epoch, from {@code firstEpoch} to {@code epochs}
     * @param step the completed steps of the epoch
     * @param loss the mean loss since the last report, or NaN when not read this step
     * @param samplesPerSecond the throughput so far in this epoch
     */
    public abstract void update(int epoch, int step, double loss, double samplesPerSecond);

    /** {@inheritDoc} */
    @Override
    public abstract void close();

    /** Steps of the stage before {@code epoch}'s {@code step}-th, counted from its first epoch 1. */
    long stepsBefore(int epoch, int step) {
        return (long) (epoch - 1) * stepsPerEpoch + step;
    }

    long totalSteps() {
        return (long) epochs * stepsPerEpoch;
    }

    long firstStep() {
        return stepsBefore(firstEpoch, 0);
    }

    int epochs() {
        return epochs;
    }

    int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    private static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(String task, int firstEpoch, int epochs, int stepsPerEpoch) {
            super(firstEpoch, epochs, stepsPerEpoch);
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(totalSteps())
                    .startsFrom(firstStep(), Duration.ZERO)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .setUnit(" steps", 1)
                    .setConsumer(new ErasingConsumer(System.err))
                    .build();
        }

        @Override
        public void update(int epoch, int step, double loss, double samplesPerSecond) {
            bar.stepTo(stepsBefore(epoch, step));
            if (!Double.isNaN(loss)) {
                bar.setExtraMessage(String.format(" epoch %d/%d, loss %.4f, %.0f samples/s", epoch, epochs(), loss,
                        samplesPerSecond));
            }
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /**
     * Draws the bar over its own line and erases what a longer earlier drawing left; the CLI starts each log line
     * by erasing the bar (see its log4j2.xml), so that log lines and the bar do not mix.
     */
    private static final class ErasingConsumer extends ConsoleProgressBarConsumer {
        private final PrintStream stream;

        ErasingConsumer(PrintStream stream) {
            super(stream);
            this.stream = stream;
        }

        @Override
        public void accept(String rendered) {
            int max = getMaxRenderedLength();
            String line = max > 0 && rendered.length() > max ? rendered.substring(0, max) : rendered;
            stream.print("\r" + line + "\u001b[K");
            stream.flush();
        }
    }

    private static final class Lines extends Progress {
        // Here, not in Progress: the CLI asks onTerminal() before logging starts, to configure the console log.
        private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
        private final String task;
        private final long start = System.nanoTime();

        Lines(String task, int firstEpoch, int epochs, int stepsPerEpoch) {
            super(firstEpoch, epochs, stepsPerEpoch);
            this.task = task;
        }

        @Override
        public void update(int epoch, int step, double loss, double samplesPerSecond) {
            if (Double.isNaN(loss)) {
                return;
            }
            LOG.info(String.format("%s epoch %d/%d step %d/%d loss %.4f %.0f samples/s, stage ETA %s", task, epoch,
                    epochs(), step, stepsPerEpoch(), loss, samplesPerSecond,
                    eta(stepsBefore(epoch, step) - firstStep(), totalSteps() - stepsBefore(epoch, step),
                            (System.nanoTime() - start) / 1e9)));
        }

        @Override
        public void close() {}
    }

    /**
     * The time the remaining steps take at the pace of the steps done so far.
     *
     * @param done steps done in this run
     * @param remaining steps left
     * @param elapsedSeconds time taken so far
     * @return {@code m:ss}, or {@code h:mm:ss} from an hour on
     */
    static String eta(long done, long remaining, double elapsedSeconds) {
        long seconds = Math.round(elapsedSeconds / Math.max(1, done) * remaining);
        Duration d = Duration.ofSeconds(seconds);
        return d.toHours() > 0 ? String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
                : String.format("%d:%02d", d.toMinutes(), d.toSecondsPart());
    }
}
