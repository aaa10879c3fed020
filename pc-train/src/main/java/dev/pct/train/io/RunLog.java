package dev.pct.train.io;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Copies the process's log lines into the run directory's log file while a run is on: attached when the run
 * directory is known, detached (and the file closed) when the run ends however it ends, so that a JVM that runs
 * several jobs, one after another or after a failure, neither writes one run's lines into another's log nor
 * keeps the files open.
 */
public final class RunLog implements AutoCloseable {

    private final LoggerContext context;
    private final FileAppender appender;

    private RunLog(LoggerContext context, FileAppender appender) {
        this.context = context;
        this.appender = appender;
    }

    /**
     * Starts copying every log line of the process to a file (appending, so a resumed run adds to it).
     *
     * @param file the log file
     * @return the attachment; {@link #close()} detaches it
     */
    public static RunLog attach(Path file) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        String name = "run-" + file.toAbsolutePath() + "-" + System.nanoTime();
        FileAppender appender = FileAppender.newBuilder()
                .setName(name)
                .withFileName(file.toAbsolutePath().toString())
                .withAppend(true)
                .setLayout(PatternLayout.newBuilder()
                        .withConfiguration(config)
                        .withPattern("%d{ISO8601} %-5level %c{1} - %msg%n")
                        .build())
                .setConfiguration(config)
                .build();
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, Level.INFO, null);
        context.updateLoggers();
        return new RunLog(context, appender);
    }

    /** Stops copying log lines to the file and closes it. */
    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.getRootLogger().removeAppender(appender.getName());
        config.getAppenders().remove(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
