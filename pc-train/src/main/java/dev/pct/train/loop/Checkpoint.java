package dev.pct.train.loop;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.optim.PcOptimizer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * <p>File layout ({@code epoch-NNNN.ckpt}): the magic {@code PCTCKPT2}, the completed epoch (int), the stage's
 * history so far (length-prefixed UTF-8 CSV rows, opaque here), the block parameters as DJL writes them
 * (length-prefixed, so that the network can be rebuilt around them: a TorchScript module is restored into an
 * empty block), then the optimizer state as an encoded {@link NDList} (length-prefixed). A crash while writing
 * leaves the previous checkpoint intact; the two newest are kept.
 */
public final class Checkpoint {
    private static final String MAGIC = "PCTCKPT2";
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

    /**
     * A checkpoint read back.
     *
     * @param file the file it was read from
     * @param epoch the completed epoch (1-based)
     * @param history the stage's history written with it
     * @param parameters the bytes {@code Block.saveParameters} wrote
     * @param optimizerState the encoded optimizer state, keyed by parameter name
     */
    public record Saved(Path file, int epoch, String history, byte[] parameters, byte[] optimizerState) {}

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
        ByteArrayOutputStream parameters = new ByteArrayOutputStream();
        block.saveParameters(new DataOutputStream(parameters));
        AtomicFiles.write(target, out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeUTF(MAGIC);
            data.writeInt(epoch);
            writeBytes(data, history.getBytes(StandardCharsets.UTF_8));
            writeBytes(data, parameters.toByteArray());
            writeBytes(data, optimizerState);
            data.flush();
        });
        List<Path> all = list();
        for (int i = 0; i < all.size() - KEEP; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /**
     * Reads the newest checkpoint, if any.
     *
     * @return the checkpoint, or empty when there is none
     * @throws IOException naming the file when it cannot be read or is not a checkpoint of this version
     */
    public Optional<Saved> latest() throws IOException {
        List<Path> all = list();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Path file = all.get(all.size() - 1);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a checkpoint of this pct version (magic " + magic + ", expected "
                        + MAGIC + "); start the run anew");
            }
            int epoch = in.readInt();
            String history = new String(readBytes(in), StandardCharsets.UTF_8);
            byte[] parameters = readBytes(in);
            byte[] state = readBytes(in);
            return Optional.of(new Saved(file, epoch, history, parameters, state));
        } catch (EOFException e) {
            throw new IOException(file + ": truncated checkpoint; checkpoints are written atomically, so the file"
                    + " was damaged after writing: delete it to resume from the one before", e);
        }
    }

    /**
     * Restores the optimizer state of a checkpoint, mapping saved parameter names to this run's ids.
     *
     * @param saved the checkpoint
     * @param block the restored model
     * @param optimizer the optimizer (same kind)
     * @param manager a manager for the decoded state
     * @throws IllegalArgumentException naming the file when the state names a parameter the model lacks
     */
    public static void restoreOptimizer(Saved saved, Block block, PcOptimizer optimizer, NDManager manager) {
        try (NDManager sub = manager.newSubManager()) {
            Map<String, String> ids = new HashMap<>();
            block.getParameters().forEach(pair -> ids.put(pair.getKey(), pair.getValue().getId()));
            optimizer.importState(NDList.decode(sub, saved.optimizerState()), name -> {
                String id = ids.get(name);
                if (id == null) {
                    throw new IllegalArgumentException(saved.file() + ": optimizer state for parameter '" + name
                            + "', which the configured model does not have");
                }
                return id;
            });
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

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("negative length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
