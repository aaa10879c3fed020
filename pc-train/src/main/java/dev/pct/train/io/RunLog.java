package dev.pct.train.io;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

/** Adds the run directory's log file to Log4j2's configuration once the run directory is known. */
public final class RunLog {
    private RunLog() {}

    /** Starts copying every log line of the process to a file (appending, so a resumed run adds to it). */
    public static void attach(Path file) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        String name = "run-" + file.toAbsolutePath();
        if (config.getAppender(name) != null) {
            return;
        }
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
    }
}
