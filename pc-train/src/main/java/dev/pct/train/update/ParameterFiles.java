package dev.pct.train.update;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Loads parameters saved by {@code Block.saveParameters} into a block, checking every shape.
 *
 * <p>DJL's {@code Parameter.load} takes whatever shape the file holds, so parameters of another
 * architecture load without complaint and fail later, deep in a forward pass. Here the shapes the block was
 * initialized with are compared with the loaded ones, and a mismatch names the file, the parameter and both
 * shapes.
 */
public final class ParameterFiles {

    private ParameterFiles() {}

    /**
     * Loads a parameter file into an initialized block.
     *
     * @param block the block, initialized with the architecture the file should hold
     * @param file the file
     * @param manager the owner of the loaded arrays
     * @param free parameters whose shape may differ (e.g. a classifier to be replaced)
     * @throws IOException naming the file if it is missing, truncated, or does not fit the block
     */
    public static void load(Block block, Path file, NDManager manager, Set<String> free) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such parameter file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            load(block, in, manager, free, file.toString());
        }
    }

    /**
     * Loads saved parameters into an initialized block.
     *
     * @param block the block
     * @param bytes the saved parameters
     * @param manager the owner of the loaded arrays
     * @param source what the bytes are, for messages
     * @throws IOException naming the source if they do not fit the block
     */
    public static void load(Block block, byte[] bytes, NDManager manager, String source) throws IOException {
        load(block, new ByteArrayInputStream(bytes), manager, Set.of(), source);
    }

    private static void load(Block block, InputStream in, NDManager manager, Set<String> free, String source)
            throws IOException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized()) {
                expected.put(p.getKey(), p.getValue().getArray().getShape());
            }
        }
        try {
            block.loadParameters(manager, new DataInputStream(new java.io.BufferedInputStream(in)));
        } catch (EOFException e) {
            throw new IOException(source + ": truncated, the parameters end early (a file written only in part?)", e);
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new IOException(source + ": does not hold parameters of the configured architecture: "
                    + e.getMessage(), e);
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            Shape want = expected.get(p.getKey());
            Shape got = p.getValue().getArray().getShape();
            if (want != null && !free.contains(p.getKey()) && !want.equals(got)) {
                throw new IOException(source + ": parameter " + p.getKey() + " has shape " + got
                        + ", the configured architecture has " + want);
            }
        }
    }
}
