package dev.pct.train.loop;

import dev.pct.train.io.AtomicFiles;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.pct.train.optim.PcOptimizer;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checkpoints of one training stage: after each epoch, one file with the model's parameters, the
 * optimizer's state and the epoch's history rows, written atomically.
 *
 * <p>File layout ({@code epoch-NNNN.ckpt}): the magic {@code PCTCKPT1}, the completed epoch (int), a UTF
 * string with the stage's history so far (CSV rows, opaque here), the block parameters as DJL writes them,
 * then the optimizer state as an encoded {@link NDList} (length-prefixed). A crash while writing leaves
 * the previous checkpoint intact; the two newest are kept.
 */
public final class Checkpoint {
    private static final String MAGIC = "PCTCKPT1";
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,})\\.ckpt");
    private static final int KEEP = 2;

    private final Path dir;

    /**
     * Makes the checkpoint store of a stage.
     *
     * @param dir the stage's checkpoint directory (created when needed)
     */
    public Checkpoint(Path dir) {
        this.dir = dir;
    }

    /**
     * Returns the directory of this store.
     *
     * @return the directory
     */
    public Path dir() {
        return dir;
    }

    /** What a checkpoint restores: the completed epoch and the history written with it. */
    public record Restored(int epoch, String history) {}

    /**
     * Saves a checkpoint after an epoch and prunes older ones.
     *
     * @param epoch the completed epoch (1-based)
     * @param block the model
     * @param optimizer the optimizer
     * @param manager a manager for the temporary state copy
     * @param history the stage's history so far
     * @throws IOException when writing fails
     */
    public void save(int epoch, Block block, PcOptimizer optimizer, NDManager manager, String history)
            throws IOException {
        Path target = dir.resolve(String.format("epoch-%04d.ckpt", epoch));
        byte[] optimizerState;
        try (NDManager sub = manager.newSubManager()) {
            Map<String, String> names = new HashMap<>();
            block.getParameters().forEach(pair -> names.put(pair.getValue().getId(), pair.getKey()));
            optimizerState = optimizer.exportState(sub, id -> names.getOrDefault(id, id)).encode();
        }
        AtomicFiles.write(target, out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeUTF(MAGIC);
            data.writeInt(epoch);
            writeLongString(data, history);
            block.saveParameters(data);
            data.writeInt(optimizerState.length);
            data.write(optimizerState);
            data.flush();
        });
        List<Path> all = list();
        for (int i = 0; i < all.size() - KEEP; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /**
     * Restores the newest checkpoint, if any, into the block and optimizer.
     *
     * @param block the model (built with the same architecture)
     * @param optimizer the optimizer (same kind)
     * @param manager the manager that owns the loaded parameters
     * @return the restored epoch and history, or empty when there is no checkpoint
     * @throws IOException when the file cannot be read or is not a checkpoint
     */
    public Optional<Restored> restoreLatest(Block block, PcOptimizer optimizer, NDManager manager)
            throws IOException {
        List<Path> all = list();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Path file = all.get(all.size() - 1);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a pct checkpoint (magic " + magic + ", expected " + MAGIC + ")");
            }
            int epoch = in.readInt();
            String history = readLongString(in);
            block.loadParameters(manager, in);
            byte[] state = new byte[in.readInt()];
            in.readFully(state);
            try (NDManager sub = manager.newSubManager()) {
                Map<String, String> ids = new HashMap<>();
                block.getParameters().forEach(pair -> ids.put(pair.getKey(), pair.getValue().getId()));
                optimizer.importState(NDList.decode(sub, state), name -> {
                    String id = ids.get(name);
                    if (id == null) {
                        throw new IllegalArgumentException(file + ": optimizer state for parameter '" + name
                                + "', which the configured architecture does not have");
                    }
                    return id;
                });
            }
            return Optional.of(new Restored(epoch, history));
        } catch (MalformedModelException e) {
            throw new IOException(file + ": parameters do not fit the configured architecture: " + e.getMessage(), e);
        }
    }

    private List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).forEach(found::add);
        }
        found.sort(Comparator.comparingInt(Checkpoint::epochOf));
        return found;
    }

    private static int epochOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalStateException("not a checkpoint name: " + p);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Saves a block's parameters alone (the final model of a stage), atomically.
     *
     * @param block the model
     * @param file the target file
     * @throws IOException when writing fails
     */
    public static void saveParameters(Block block, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            DataOutputStream data = new DataOutputStream(out);
            block.saveParameters(data);
            data.flush();
        });
    }

    /**
     * Loads parameters saved by {@link #saveParameters} into a block of the same architecture.
     *
     * @param block the model
     * @param file the parameter file
     * @param manager the owner of the parameters
     * @throws IOException when the file is missing, unreadable or does not fit the architecture
     */
    public static void loadParameters(Block block, Path file, NDManager manager) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such parameter file");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException | IllegalArgumentException e) {
            throw new IOException(file + ": parameters do not fit the configured architecture: " + e.getMessage(), e);
        }
    }

    private static void writeLongString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readLongString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

}
