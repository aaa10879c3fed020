package dev.pct.train.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logits CSV files as {@code old_model.source: logits} reads them, written wrong: each fails with the file, the
 * 1-based line and what was expected, never with a shifted or partial matrix.
 */
class LogitsCsvTest {
    private static final String HEADER = "index,label,prediction,logit_0,logit_1,logit_2\n";

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("old-logits.csv");
        Files.writeString(file, text);
        return file;
    }

    private String failure(String text) throws IOException {
        Path file = write(text);
        return assertThrows(IllegalArgumentException.class, () -> Logits.readCsv(file, 3)).getMessage();
    }

    @Test
    void aWellFormedFileReadsBack() throws IOException {
        Path file = write(HEADER + "0,1,1,0.5,2,-1\n1,0,0,3,1e-3,0\n");
        // exact: each decimal parses to the float nearest it, as the literals do
        assertArrayEquals(new float[] {0.5f, 2f, -1f, 3f, 1e-3f, 0f}, Logits.readCsv(file, 3), 0f);
    }

    @Test
    void notANumberNamesLineAndColumn() throws IOException {
        assertEquals(dir.resolve("old-logits.csv") + ":3: score in column 2 is NaN; expected a finite number",
                failure("0.1,0.2,0.3\n1,2,3\n4,NaN,6\n"));
        // NumPy writes nan; as the first field of line 1 it must not pass for a header that hides the row.
        assertEquals(dir.resolve("old-logits.csv") + ":1: score in column 1 is nan; expected a finite number",
                failure("nan,0.2,0.3\n1,2,3\n"));
    }

    @Test
    void infinityNamesLineAndHeaderColumn() throws IOException {
        assertEquals(dir.resolve("old-logits.csv") + ":2: score in column logit_2 is Infinity; expected a finite"
                + " number", failure(HEADER + "0,0,0,1,2,Infinity\n"));
        assertEquals(dir.resolve("old-logits.csv") + ":3: score in column logit_0 is -inf; expected a finite number",
                failure(HEADER + "0,0,0,1,2,3\n1,0,0,-inf,2,3\n"));
    }

    @Test
    void aRowWithTooFewValuesNamesItsLine() throws IOException {
        assertEquals(dir.resolve("old-logits.csv") + ":3: expected 3 fields like line 1, got 2",
                failure("1,2,3\n4,5,6\n7,8\n"));
        // With a header the scores are picked by name: a short row must fail, not shift its scores.
        assertEquals(dir.resolve("old-logits.csv") + ":3: expected 6 fields like the header (line 1), got 5",
                failure(HEADER + "0,0,0,1,2,3\n1,0,0,1,2\n"));
        assertEquals(dir.resolve("old-logits.csv") + ":2: expected 6 fields like the header (line 1), got 5",
                failure(HEADER + "0,0,0,1,2\n1,0,0,1,2\n"));
    }

    @Test
    void aNonNumericValueNamesLineAndColumn() throws IOException {
        assertEquals(dir.resolve("old-logits.csv") + ":2: 'abc' in column 3 is not a number; expected a finite number",
                failure("1,2,3\n4,5,abc\n"));
        assertEquals(dir.resolve("old-logits.csv") + ":2: '0.5x' in column logit_1 is not a number; expected a"
                + " finite number", failure(HEADER + "0,0,0,1,0.5x,3\n"));
    }

    @Test
    void aMissingFileIsNamed() {
        Path absent = dir.resolve("absent.csv");
        assertEquals(absent + ": no such logits file",
                assertThrows(IOException.class, () -> Logits.readCsv(absent, 3)).getMessage());
    }
}
