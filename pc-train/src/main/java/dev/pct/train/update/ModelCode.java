package dev.pct.train.update;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import dev.pct.train.model.ArchitectureBlockFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What a model directory (or the folder of a model file) would make DJL run as code, checked before pct hands
 * it to DJL: a model directory is data, not code.
 *
 * <p>DJL's model loader builds the block of a directory with the {@code BlockFactory} that {@code
 * serving.properties} names ({@code blockFactory}), loaded by a class loader over the directory's {@code *.jar}
 * files and {@code classes/} folder; without a name it instantiates every class in them that is a {@code
 * BlockFactory}. Either way the directory's static initializers run. pct therefore refuses a directory that
 * holds a {@code .jar} or {@code .class} file anywhere, or names a block factory other than pct's own, unless
 * the user trusts it; and it always passes DJL a factory instance itself ({@link #factoryFor}), so that DJL
 * never looks for a class in the folder. An ONNX file's folder may not name a custom-op library ({@code
 * option.customOpLibrary} in a {@code serving.properties} beside it), trusted or not: ONNX Runtime would load
 * that native library into the process.
 */
public final class ModelCode {

    /** DJL's key for the block factory class in {@code serving.properties}. */
    public static final String BLOCK_FACTORY = "blockFactory";
    /** The ONNX Runtime option that loads a native custom-op library. */
    public static final String CUSTOM_OP_LIBRARY = "option.customOpLibrary";

    /** A factory that builds no block: DJL then loads the model file itself (TorchScript, ONNX). */
    private static final BlockFactory NO_BLOCK = new NoBlock();

    private ModelCode() {}

    /**
     * What a folder holds that is code.
     *
     * @param folder the folder DJL reads ({@code serving.properties}, jars, classes)
     * @param codeFiles the {@code .jar} and {@code .class} files under it, relative to it
     * @param blockFactory the block factory {@code serving.properties} names, or null
     * @param customOpLibrary the ONNX custom-op library it names, or null
     */
    public record Inspection(Path folder, List<Path> codeFiles, String blockFactory, String customOpLibrary) {

        /** Makes the list immutable. */
        public Inspection {
            codeFiles = List.copyOf(codeFiles);
        }

        /**
         * Returns whether the block factory is pct's own (or none is named).
         *
         * @return true for {@link ArchitectureBlockFactory} or no name
         */
        public boolean ownFactory() {
            return blockFactory == null || ArchitectureBlockFactory.class.getName().equals(blockFactory);
        }

        /**
         * Returns whether loading the folder could run code from it.
         *
         * @return true when it holds code files or names a foreign block factory
         */
        public boolean holdsCode() {
            return !codeFiles.isEmpty() || !ownFactory();
        }

        /**
         * Returns what code it holds, in words, e.g. {@code evil.jar; serving.properties names blockFactory
         * evil.Factory}.
         *
         * @return the description
         */
        public String describeCode() {
            List<String> parts = new ArrayList<>();
            if (!codeFiles.isEmpty()) {
                List<String> names = codeFiles.stream().limit(5).map(Path::toString).toList();
                parts.add("holds " + String.join(", ", names) + (codeFiles.size() > 5
                        ? " and " + (codeFiles.size() - 5) + " more code files" : ""));
            }
            if (!ownFactory()) {
                parts.add("serving.properties names " + BLOCK_FACTORY + "=" + blockFactory);
            }
            return String.join("; ", parts);
        }
    }

    /**
     * Inspects what DJL would read beside a model: a directory itself (recursively, since DJL also descends
     * into a lone sub-folder), or the folder of a model file (its {@code serving.properties}).
     *
     * @param model a model directory or a model file
     * @return what is code there
     * @throws UncheckedIOException if the folder cannot be read
     */
    public static Inspection inspect(Path model) {
        boolean directory = Files.isDirectory(model);
        Path folder = directory ? model : model.toAbsolutePath().getParent();
        List<Path> code = new ArrayList<>();
        if (directory) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.filter(Files::isRegularFile).filter(ModelCode::isCode)
                        .forEach(p -> code.add(folder.relativize(p)));
            } catch (IOException e) {
                throw new UncheckedIOException(folder + ": cannot be listed to check it for code", e);
            }
            code.sort(null);
        }
        // DJL reads the serving.properties of a lone sub-folder when that is all the directory holds.
        Properties properties = servingProperties(directory ? ai.djl.util.Utils.getNestedModelDir(folder) : folder);
        return new Inspection(folder, code, blank(properties.getProperty(BLOCK_FACTORY)),
                blank(properties.getProperty(CUSTOM_OP_LIBRARY)));
    }

    /**
     * Refuses a model that would run code from its folder unless the user trusts it.
     *
     * @param inspection what the folder holds
     * @param trusted whether the user said they trust the model's code ({@code --trust-model-code}, {@code
     *     old_model.trust_code})
     * @param label how the user named the model, for the message, e.g. {@code old_model.file /m/dir}
     * @throws IllegalArgumentException naming the model, what code it holds and how to proceed; for an ONNX
     *     custom-op library, whether trusted or not
     */
    public static void check(Inspection inspection, boolean trusted, String label) {
        if (inspection.customOpLibrary() != null) {
            throw new IllegalArgumentException(label + ": " + inspection.folder().resolve("serving.properties") + " sets "
                    + CUSTOM_OP_LIBRARY + "=" + inspection.customOpLibrary() + ", a native library ONNX Runtime would"
                    + " load into this process; pct never loads custom-op libraries named by a model's folder (remove"
                    + " the key, or move the model file to a folder of its own)");
        }
        if (inspection.holdsCode() && !trusted) {
            throw new IllegalArgumentException(label + ": the model directory " + inspection.describeCode()
                    + ", which DJL would run as Java code when loading it; pct loads no code from model directories."
                    + " If pct exported it, delete the code (pct builds its own architectures from serving.properties);"
                    + " if you trust whoever made it, pass --trust-model-code (old_model.trust_code: true in a job)");
        }
    }

    /**
     * Returns the block factory pct passes DJL for a model, so that DJL does not look for one in its folder: pct's
     * own factory for a directory pct exported, one that builds no block for a model file or a directory without a
     * named factory, or null (DJL loads the named factory from the folder) for a trusted directory naming a
     * foreign one.
     *
     * @param inspection what the folder holds
     * @param directory whether the model is a directory
     * @return the factory instance, or null to let DJL load the named one
     */
    public static BlockFactory factoryFor(Inspection inspection, boolean directory) {
        if (!inspection.ownFactory()) {
            return directory ? null : NO_BLOCK;
        }
        return directory && inspection.blockFactory() != null ? new ArchitectureBlockFactory() : NO_BLOCK;
    }

    private static boolean isCode(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jar") || name.endsWith(".class");
    }

    private static Properties servingProperties(Path folder) {
        Properties properties = new Properties();
        Path file = folder.resolve("serving.properties");
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": cannot be read as a properties file: " + e.getMessage(), e);
            }
        }
        return properties;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Builds no block, so that DJL loads the model file as it is. */
    private static final class NoBlock implements BlockFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
            return null;
        }
    }
}
