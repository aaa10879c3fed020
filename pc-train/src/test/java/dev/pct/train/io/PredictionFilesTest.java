package dev.pct.train.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.metrics.FlipReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionFilesTest {

    @TempDir Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void readsClassesWithHeaderAndLogitsWithMixedSeparators() throws IOException {
        Path labels = file("labels.csv", "label\n0\n1\n2\n1\n");
        Path old = file("old.txt", "0\n1\n0\n1\n");
        Path logits = file("new.csv", "c0,c1,c2\n0.9,0.1,0.0\n0.2,0.1,0.7\n0.1,0.2,0.8\n-1 2 0\n\n\n");
        assertArrayEquals(new int[] {0, 1, 2, 1}, PredictionFiles.readLabels(labels));
        assertArrayEquals(new int[] {0, 2, 2, 1}, PredictionFiles.readPredictions(logits));

        // y = 0 1 2 1, old = 0 1 0 1 (wrong at 2), new = 0 2 2 1 (wrong at 1):
        // NF at sample 1, PF at sample 2.
        FlipReport report = PredictionFiles.compare(labels, old, logits);
        assertEquals(4, report.total());
        assertEquals(1, report.negativeFlips());
        assertEquals(1, report.positiveFlips());
        assertEquals(0.25, report.negativeFlipRate(), 1e-12); // 1 / 4 in double is exact; 1e-12 is slack
        assertArrayEquals(new long[] {1}, report.negativeFlipIndices());
        assertEquals(3, report.numClasses());
        assertEquals(5, PredictionFiles.compare(labels, old, logits, 5).numClasses());
    }

    @Test
    void malformedLogitNamesFileAndLine() throws IOException {
        Path logits = file("bad.csv", "c0,c1,c2\n0.9,0.1,0.0\n0.1,abc,0.3\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readPredictions(logits));
        assertTrue(e.getMessage().contains("bad.csv:3:"), e.getMessage());
        assertTrue(e.getMessage().contains("'abc'"), e.getMessage());
    }

    @Test
    void malformedClassAndRaggedRowsAndBlankLinesNameTheLine() throws IOException {
        Path classes = file("classes.txt", "0\n1\n-2\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readPredictions(classes));
        assertTrue(e.getMessage().contains("classes.txt:3:") && e.getMessage().contains("'-2'"), e.getMessage());

        Path ragged = file("ragged.csv", "1,2,3\n4,5\n");
        e = assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readPredictions(ragged));
        assertTrue(e.getMessage().contains("ragged.csv:2:"), e.getMessage());

        Path gap = file("gap.txt", "1\n\n2\n");
        e = assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readLabels(gap));
        assertTrue(e.getMessage().contains("gap.txt:2:"), e.getMessage());

        Path nan = file("nan.csv", "1,NaN\n");
        e = assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readPredictions(nan));
        assertTrue(e.getMessage().contains("nan.csv:1:"), e.getMessage());

        Path wideLabels = file("wide.csv", "0,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readLabels(wideLabels));
        assertTrue(e.getMessage().contains("wide.csv:1:"), e.getMessage());
    }

    @Test
    void lengthMismatchNamesBothFiles() throws IOException {
        Path labels = file("labels.txt", "0\n1\n2\n");
        Path old = file("old.txt", "0\n1\n2\n");
        Path shorter = file("short.txt", "0\n1\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PredictionFiles.compare(labels, old, shorter));
        assertTrue(e.getMessage().contains("short.txt has 2 samples"), e.getMessage());
        assertTrue(e.getMessage().contains("labels.txt has 3"), e.getMessage());
        Path bigClass = file("big.txt", "0\n1\n7\n");
        assertThrows(IllegalArgumentException.class, () -> PredictionFiles.compare(labels, old, bigClass, 3));
    }

    @Test
    void readsLogitRowsAndRejectsAnotherWidthOrABlankLine() throws IOException {
        Path logits = file("logits.csv", "a,b,c\n0.5,-1,2\n3,0,1e-3\n");
        // exact: each decimal parses to the float nearest it, as the literals do
        assertArrayEquals(new float[] {0.5f, -1f, 2f, 3f, 0f, 1e-3f}, PredictionFiles.readLogits(logits, 3), 0f);
        IllegalArgumentException width =
                assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readLogits(logits, 4));
        assertTrue(width.getMessage().contains("logits.csv:2") && width.getMessage().contains("(4)"),
                width.getMessage());
        Path gap = file("gap.csv", "1,2\n\n3,4\n");
        IllegalArgumentException blank =
                assertThrows(IllegalArgumentException.class, () -> PredictionFiles.readLogits(gap, 2));
        assertTrue(blank.getMessage().contains("gap.csv:2"), blank.getMessage());
    }
}
