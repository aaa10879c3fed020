package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.testing.ForkedJvm;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapBudgetTest {

    private static final long MIB = 1 << 20;

    @Test
    void pixelsThatFitThreeTimesPassAndMoreAreRefusedWithTheSizesAndTheRemedy() {
        Path file = Path.of("train-images-idx3-ubyte.gz");
        HeapBudget.check(file, 100 * MIB, "x", 300 * MIB); // exactly three copies fit
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> HeapBudget.check(file, 100 * MIB + 1, "60000 images of 28x28", 300 * MIB));
        assertTrue(e.getMessage().startsWith("train-images-idx3-ubyte.gz: 60000 images of 28x28 take 100 MiB"),
                e.getMessage());
        assertTrue(e.getMessage().contains("needs about 300 MiB, more than the 300 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("PCT_JAVA_OPTS=-Xmx2g") && e.getMessage().contains("image folder"),
                e.getMessage());
    }

    /** Reads an IDX pair and prints what happened; run in a JVM with a small heap. */
    public static final class Read {
        public static void main(String[] args) {
            try {
                ImageSet set = IdxReader.read(Path.of(args[0]), Path.of(args[1]));
                System.out.println("read " + set.size());
            } catch (DataFormatException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }

    @Test
    void anIdxFileTooLargeForTheHeapIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        // 20,000 images of 28x28 = 15.3 MiB of pixels (gzipped to almost nothing): reading needs ~46 MiB.
        int count = 20_000;
        Path images = dir.resolve("images.gz");
        Path labels = dir.resolve("labels.gz");
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(images)))) {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(count);
            out.writeInt(28);
            out.writeInt(28);
            out.write(new byte[count * 28 * 28]);
        }
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(labels)))) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            out.write(new byte[count]);
        }
        List<String> args = List.of(images.toString(), labels.toString());
        ForkedJvm.Outcome small = ForkedJvm.run(ForkedJvm.testClassPath(), List.of("-Xmx32m"), Read.class.getName(),
                args, 60);
        assertEquals(0, small.status(), small.output());
        assertTrue(small.output().contains("refused: " + images + ": 20000 images of 28x28 take 14 MiB"),
                small.output());
        ForkedJvm.Outcome enough = ForkedJvm.run(ForkedJvm.testClassPath(), List.of("-Xmx256m"),
                Read.class.getName(), args, 60);
        assertTrue(enough.output().contains("read 20000"), enough.output());
    }
}
