package dev.pct.train.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class RunLogTest {

    private static final Logger LOG = LoggerFactory.getLogger(RunLogTest.class);

    @Test
    void linesGoToTheAttachedRunsLogOnlyWhileItIsAttached(@TempDir Path dir) throws IOException {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        try (RunLog log = RunLog.attach(first)) {
            LOG.warn("during the first run");
        }
        try (RunLog log = RunLog.attach(second)) {
            LOG.warn("during the second run");
        }
        LOG.warn("after both runs");
        String one = Files.readString(first);
        String two = Files.readString(second);
        assertTrue(one.contains("during the first run"), one);
        assertFalse(one.contains("during the second run") || one.contains("after both runs"), one);
        assertTrue(two.contains("during the second run"), two);
        assertFalse(two.contains("during the first run") || two.contains("after both runs"), two);
        // Detached means closed: the files can be deleted and are not written again.
        Files.delete(first);
        LOG.warn("after deleting");
        assertFalse(Files.exists(first));
    }
}
