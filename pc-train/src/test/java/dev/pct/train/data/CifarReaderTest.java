package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {

    private static final int IMAGE = 3072;

    @TempDir Path dir;

    /** One record whose pixel j is (seed + j) mod 256, prefixed by the given label bytes. */
    private static byte[] record(int seed, int... labelBytes) {
        byte[] r = new byte[labelBytes.length + IMAGE];
        for (int i = 0; i < labelBytes.length; i++) {
            r[i] = (byte) labelBytes[i];
        }
        for (int j = 0; j < IMAGE; j++) {
            r[labelBytes.length + j] = (byte) (seed + j);
        }
        return r;
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    private static byte[] pixelsOf(byte[] record, int labelBytes) {
        return Arrays.copyOfRange(record, labelBytes, record.length);
    }

    @Test
    void readsCifar10TrainingBatchesInOrderWithNames() throws IOException {
        for (int b = 1; b <= 5; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"), concat(record(b, b), record(100 + b, 9)));
        }
        Files.write(dir.resolve("test_batch.bin"), record(7, 3));
        List<String> names = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
        Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", names) + "\n\n");

        ImageSet train = CifarReader.readCifar10(dir, true);
        assertEquals(10, train.size());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertArrayEquals(new int[] {1, 9, 2, 9, 3, 9, 4, 9, 5, 9}, train.labels());
        assertEquals(names, train.classNames());
        byte[] third = Arrays.copyOfRange(train.pixels(), 2 * IMAGE, 3 * IMAGE);
        assertArrayEquals(pixelsOf(record(2, 2), 1), third);

        ImageSet test = CifarReader.readCifar10(dir, false);
        assertArrayEquals(new int[] {3}, test.labels());
        assertArrayEquals(pixelsOf(record(7, 3), 1), test.pixels());
    }

    @Test
    void cifar10InSubfolderWithoutNames() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("cifar-10-batches-bin"));
        Files.write(sub.resolve("test_batch.bin"), record(0, 4));
        ImageSet test = CifarReader.readCifar10(dir, false);
        assertEquals(1, test.size());
        assertTrue(test.classNames().isEmpty());
    }

    @Test
    void missingTrainingBatchIsNamed() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), record(0, 1));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> CifarReader.readCifar10(dir, true));
        assertTrue(e.getMessage().contains("data_batch_2.bin"), e.getMessage());
    }

    @Test
    void readsCifar100FineLabels() throws IOException {
        byte[] a = record(3, 19, 99); // coarse 19, fine 99
        byte[] b = record(4, 0, 42);
        Files.write(dir.resolve("train.bin"), concat(a, b));
        ImageSet train = CifarReader.readCifar100(dir, true);
        assertEquals(100, train.numClasses());
        assertArrayEquals(new int[] {99, 42}, train.labels());
        assertArrayEquals(concat(pixelsOf(a, 2), pixelsOf(b, 2)), train.pixels());
    }

    @Test
    void truncatedRecordIsRejected() throws IOException {
        byte[] r = record(0, 1);
        Files.write(dir.resolve("test_batch.bin"), Arrays.copyOf(r, r.length - 5));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> CifarReader.readCifar10(dir, false));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("test_batch.bin"), e.getMessage());
    }

    @Test
    void cifar10LabelAboveNineIsRejected() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), record(0, 10));
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> CifarReader.readCifar10(dir, false));
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void cifar100FileReadAsCifar10IsDetectedBySize() throws IOException {
        // a CIFAR-100 record is one byte longer, so a one-record file is not a whole CIFAR-10 record
        Files.write(dir.resolve("test_batch.bin"), record(0, 1, 2));
        assertThrows(DataFormatException.class, () -> CifarReader.readCifar10(dir, false));
    }
}
