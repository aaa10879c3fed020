package dev.pct.train.export;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pct.train.model.ArchitectureBlockFactory;
import dev.pct.train.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Writes a trained network as a DJL model directory:
 *
 * <ul>
 *   <li>{@code model-0000.params}: the parameters, with the input normalization in front when there is one, so
 *       that the model takes images as intensities in [0, 1];
 *   <li>{@code serving.properties}: {@code engine}, the model name and the {@code pct.*} keys that describe the
 *       architecture, read by {@link ArchitectureBlockFactory} through DJL's {@code blockFactory} key;
 *   <li>only when asked ({@code new_model.export_architecture_jar}), {@code pct-architecture.jar}: the classes of
 *       {@code dev.pct.train.model}, which DJL's model loader finds in the directory, so that {@code
 *       Criteria.builder().optModelPath(dir)} loads the model with only DJL (and the PyTorch engine) on the class
 *       path. By default the directory holds no code: a service puts pct's architecture artifact ({@code
 *       dev.pct:pc-train:<version>:models}) on its class path instead;
 *   <li>{@code synset.txt}: the class names, one per line, the file DJL's classification translators read;
 *   <li>{@code pct-model.json}: the same facts for people and tools (input shape and how images of another
 *       size reach it, classes, normalization, provenance).
 * </ul>
 *
 * <p>The directory is written next to its place and moved in at the end, so a crash leaves either the
 * previous export or the new one, never half of one.
 */
public final class ModelExport {

    /** The model name of the parameter file. */
    public static final String MODEL_NAME = "model";
    /** The jar holding the architecture's classes. */
    public static final String ARCHITECTURE_JAR = "pct-architecture.jar";
    /** The metadata file. */
    public static final String METADATA = "pct-model.json";

    private static final String MODEL_PACKAGE = "dev/pct/train/model/";

    private ModelExport() {}

    /**
     * What an exported model is.
     *
     * @param architecture the {@code pct.*} keys of the architecture (empty: the block must be supplied to load)
     * @param inputShape one sample's shape, (C, H, W)
     * @param centerCrop how the training brought images of another size to that shape: the share of the resized
     *     shorter side kept when it took center crops, or null when it stretched them (written to the metadata as
     *     {@code input.resize} and {@code input.crop_fraction}, which {@code predict} reads, so that a model
     *     trained on center crops is scored on center crops)
     * @param classes the number of classes
     * @param mean the input normalization's per-channel mean, or null when the model takes prepared input
     * @param std the per-channel standard deviation, or null
     * @param classNames the class names, or an empty list
     * @param provenance facts about how it was trained (run, stage, seed, versions), written to the metadata
     */
    public record Description(
            Map<String, String> architecture,
            Shape inputShape,
            Double centerCrop,
            int classes,
            float[] mean,
            float[] std,
            List<String> classNames,
            Map<String, Object> provenance) {}

    /**
     * Writes a network as a model directory without code ({@value #ARCHITECTURE_JAR} is not written), replacing
     * an earlier export there.
     *
     * @param dir the directory to create
     * @param net the trained network, in the structure {@link ArchitectureBlockFactory} rebuilds
     * @param description what the model is
     * @return {@code dir}
     * @throws IOException if writing fails
     */
    public static Path write(Path dir, Block net, Description description) throws IOException {
        return write(dir, net, description, false);
    }

    /**
     * Writes a network as a model directory, replacing an earlier export there.
     *
     * @param dir the directory to create
     * @param net the trained network, in the structure {@link ArchitectureBlockFactory} rebuilds
     * @param description what the model is
     * @param architectureJar whether to write {@value #ARCHITECTURE_JAR} too (for a built-in architecture), for
     *     DJL Serving and other loaders that should find the architecture in the directory; it is code, which
     *     whoever loads the directory with plain DJL runs, and which pct refuses to load unless trusted
     * @return {@code dir}
     * @throws IOException if writing fails
     */
    public static Path write(Path dir, Block net, Description description, boolean architectureJar)
            throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, dir.getFileName() + ".writing-");
        try {
            Block structure = ArchitectureBlockFactory.exportStructure(net, description.mean(), description.std());
            try (Model model = Model.newInstance(MODEL_NAME, Device.cpu(), "PyTorch");
                    NDManager scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                if (structure != net) {
                    // The wrapper records the input shape; the trained layers keep their parameters.
                    structure.initialize(scratch, DataType.FLOAT32, new Shape(1).addAll(description.inputShape()));
                }
                model.setBlock(structure);
                model.save(staging, MODEL_NAME);
            }
            writeProperties(staging.resolve("serving.properties"), description);
            if (architectureJar && !description.architecture().isEmpty()) {
                writeArchitectureJar(staging.resolve(ARCHITECTURE_JAR));
            }
            if (!description.classNames().isEmpty()) {
                Files.write(staging.resolve("synset.txt"), description.classNames(), StandardCharsets.UTF_8);
            }
            writeMetadata(staging.resolve(METADATA), description);
            replace(staging, dir);
        } finally {
            AtomicFiles.deleteTree(staging);
        }
        return dir;
    }

    private static void writeProperties(Path file, Description d) throws IOException {
        Properties p = new Properties();
        p.setProperty("engine", "PyTorch");
        p.setProperty("option.modelName", MODEL_NAME);
        if (!d.architecture().isEmpty()) {
            p.setProperty("blockFactory", ArchitectureBlockFactory.class.getName());
            d.architecture().forEach(p::setProperty);
            p.setProperty(ArchitectureBlockFactory.INPUT_SHAPE, ArchitectureBlockFactory.shapeText(d.inputShape()));
            p.setProperty(ArchitectureBlockFactory.CLASSES, Integer.toString(d.classes()));
            if (d.mean() != null) {
                p.setProperty(ArchitectureBlockFactory.MEAN, join(d.mean()));
                p.setProperty(ArchitectureBlockFactory.STD, join(d.std()));
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Exported by pct. Load with Criteria.builder().setTypes(NDList.class, NDList.class)"
                    + ".optModelPath(<this directory>)");
        }
    }

    private static void writeMetadata(Path file, Description d) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", "pct-model 1");
        // Ordered maps only: Map.of and Map.copyOf iterate in an order salted per JVM, which made two exports of
        // the same model differ in this file's bytes.
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("shape", java.util.Arrays.stream(d.inputShape().getShape()).boxed().toList());
        input.put("layout", "NCHW float32");
        input.put("values", d.mean() == null ? "as prepared for training"
                : "intensities in [0, 1]; the model normalizes");
        // How images of another size became the shape in training: what a caller must do to them too.
        input.put("resize", d.centerCrop() == null ? "stretch" : "center_crop");
        if (d.centerCrop() != null) {
            input.put("crop_fraction", d.centerCrop());
        }
        json.put("input", input);
        json.put("classes", d.classes());
        if (!d.classNames().isEmpty()) {
            json.put("class_names", d.classNames());
        }
        if (d.mean() != null) {
            Map<String, Object> normalization = new LinkedHashMap<>();
            normalization.put("mean", toList(d.mean()));
            normalization.put("std", toList(d.std()));
            json.put("normalization", normalization);
        }
        json.put("architecture", d.architecture().isEmpty() ? "supplied by code: pass the same block to Criteria"
                : new java.util.TreeMap<>(d.architecture()));
        json.put("provenance", d.provenance());
        Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    }

    /** Copies the classes of the architecture package, wherever they are loaded from (a folder or a jar). */
    private static void writeArchitectureJar(Path jar) throws IOException {
        List<String> names = architectureClasses();
        ClassLoader loader = ArchitectureBlockFactory.class.getClassLoader();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : names) {
                out.putNextEntry(new JarEntry(name));
                try (InputStream in = loader.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IOException("cannot read class " + name + " to export");
                    }
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    private static List<String> architectureClasses() throws IOException {
        Path location;
        try {
            location = Path.of(ArchitectureBlockFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the architecture classes", e);
        }
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            Path dir = location.resolve(MODEL_PACKAGE);
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().endsWith(".class"))
                        .forEach(p -> names.add(MODEL_PACKAGE + p.getFileName()));
            }
        } else {
            try (FileSystem fs = FileSystems.newFileSystem(location);
                    Stream<Path> files = Files.list(fs.getPath(MODEL_PACKAGE))) {
                files.filter(p -> p.getFileName().toString().endsWith(".class"))
                        .forEach(p -> names.add(MODEL_PACKAGE + p.getFileName()));
            }
        }
        if (names.isEmpty()) {
            throw new IOException("no architecture classes found at " + location);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private static void replace(Path staging, Path dir) throws IOException {
        Path finalDir = dir.toAbsolutePath();
        if (Files.exists(finalDir)) {
            Path old = Files.createTempDirectory(finalDir.getParent(), finalDir.getFileName() + ".old-");
            Files.delete(old);
            Files.move(finalDir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging, finalDir, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.deleteTree(old);
        } else {
            Files.move(staging, finalDir, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static String join(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        return sb.toString();
    }

    private static List<Float> toList(float[] values) {
        List<Float> out = new ArrayList<>();
        for (float v : values) {
            out.add(v);
        }
        return out;
    }
}
