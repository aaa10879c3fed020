package dev.pct.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.metrics.FlipReport;
import dev.pct.train.io.PredictionFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionFilesHeaderTest {

    @TempDir
    Path tmp;

    @Test
    void predictCsvRoundTripsLabelsPredictionsAndLogits() throws IOException {
        Path file = tmp.resolve("p.csv");
        float[] logits = {0.1f, 2f, -1f, 3f, 0f, 0f};
        PredictionFiles.writePredictions(file, new int[] {7, 9}, new int[] {1, 2}, logits, 3);
        assertEquals("index,label,prediction,logit_0,logit_1,logit_2", Files.readAllLines(file).get(0));
        assertArrayEquals(new int[] {1, 2}, PredictionFiles.readLabels(file));
        assertArrayEquals(new int[] {1, 0}, PredictionFiles.readPredictions(file));
        assertArrayEquals(logits, PredictionFiles.readLogits(file, 3), 0f); // exact: Float.toString round-trips
    }

    @Test
    void thePredictionColumnWinsOverTheLogitsAndUnnamedFilesKeepTheirMeaning() throws IOException {
        // A prediction column that disagrees with the logits' argmax is taken as written.
        Path named = Files.writeString(tmp.resolve("named.csv"), "index,prediction,logit_0,logit_1\n0,0,1.0,5.0\n");
        assertArrayEquals(new int[] {0}, PredictionFiles.readPredictions(named));
        // A header of other names is only a header: every column is a logit.
        Path plain = Files.writeString(tmp.resolve("plain.csv"), "a,b\n1.0,5.0\n2.0,1.0\n");
        assertArrayEquals(new int[] {1, 0}, PredictionFiles.readPredictions(plain));
        Path labelsOnly = Files.writeString(tmp.resolve("labels.csv"), "index,prediction\n0,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PredictionFiles.readLabels(labelsOnly));
        assertTrue(e.getMessage().contains("names no 'label' column"), e.getMessage());
    }

    @Test
    void compareReadsPredictCsvFiles() throws IOException {
        Path old = tmp.resolve("old.csv");
        Path neu = tmp.resolve("new.csv");
        int[] labels = {0, 1, 2, 1};
        PredictionFiles.writePredictions(old, new int[] {0, 1, 2, 3}, labels,
                new float[] {9, 0, 0, 0, 9, 0, 9, 0, 0, 0, 0, 9}, 3);
        PredictionFiles.writePredictions(neu, new int[] {0, 1, 2, 3}, labels,
                new float[] {9, 0, 0, 0, 0, 9, 0, 0, 9, 0, 9, 0}, 3);
        // old: 0 1 0 2 (right on 0 and 1); new: 0 2 2 1 (right on 0, 2, 3): one negative flip (sample 1).
        FlipReport report = PredictionFiles.compare(neu, old, neu);
        assertEquals(1, report.negativeFlips());
        assertEquals(2, report.positiveFlips());
    }
}
