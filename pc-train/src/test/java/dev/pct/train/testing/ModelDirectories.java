package dev.pct.train.testing;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import dev.pct.train.export.ModelExport;
import dev.pct.train.model.Architecture;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.StageNetwork;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Model directories for the tests of what loading one may run: a small MLP exported by pct for the tiny IDX data
 * set (1×8×8 inputs, 4 classes), and a jar whose block factory writes a marker file in its static initializer.
 */
public final class ModelDirectories {

    private ModelDirectories() {}

    /**
     * Exports a freshly initialized MLP (hidden 16) as pct does, for inputs of 1×8×8 in [0, 1] and 4 classes.
     *
     * @param dir the directory to write
     * @param keepArchitectureJar whether to write {@code pct-architecture.jar} into it, too
     * @return {@code dir}
     * @throws IOException if writing fails
     */
    public static Path exportMlp(Path dir, boolean keepArchitectureJar) throws IOException {
        NewModel model = NewModel.architecture(ModelSpec.builder().setType(Architecture.MLP)
                .optHidden(List.of(16)).build());
        try (Model holder = Model.newInstance("export")) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(3);
            StageNetwork network = model.create(holder.getNDManager(), new Shape(1, 8, 8), 4);
            return ModelExport.write(dir, network.exportNet(), new ModelExport.Description(network.exportArguments(),
                    new Shape(1, 8, 8), null, 4, new float[] {0.5f}, new float[] {0.25f}, List.of(), Map.of()),
                    keepArchitectureJar);
        }
    }

    /**
     * Compiles {@code evil.Factory}, a DJL block factory that delegates to pct's own and whose static
     * initializer writes {@code marker}, and jars it.
     *
     * @param jar the jar to write
     * @param marker the file the class writes when it is initialized
     * @return {@code jar}
     * @throws IOException if compiling or writing fails
     */
    public static Path evilJar(Path jar, Path marker) throws IOException {
        Path work = Files.createTempDirectory("evil-src");
        try {
            Path source = work.resolve("evil/Factory.java");
            Files.createDirectories(source.getParent());
            Files.writeString(source, """
                    package evil;

                    public final class Factory implements ai.djl.nn.BlockFactory {
                        private static final long serialVersionUID = 1L;

                        static {
                            try {
                                java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "code from a model ran");
                            } catch (java.io.IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }

                        @Override
                        public ai.djl.nn.Block newBlock(ai.djl.Model model, java.nio.file.Path dir,
                                java.util.Map<String, ?> arguments) {
                            return new dev.pct.train.model.ArchitectureBlockFactory().newBlock(model, dir, arguments);
                        }
                    }
                    """.formatted(marker.toAbsolutePath().toString().replace("\\", "\\\\")));
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            int status = compiler.run(null, null, null, "-d", work.toString(), "-cp",
                    String.join(File.pathSeparator, ForkedJvm.testClassPath()), source.toString());
            if (status != 0) {
                throw new IOException("javac failed on " + source);
            }
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                out.putNextEntry(new JarEntry("evil/Factory.class"));
                Files.copy(work.resolve("evil/Factory.class"), out);
                out.closeEntry();
            }
            return jar;
        } finally {
            Trees.delete(work);
        }
    }

    /**
     * Sets keys of a directory's {@code serving.properties}, keeping the others.
     *
     * @param dir the model directory
     * @param keys the keys and values to set
     * @throws IOException if the file cannot be read or written
     */
    public static void setProperties(Path dir, Map<String, String> keys) throws IOException {
        Path file = dir.resolve("serving.properties");
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Stream<String> lines = Files.lines(file)) {
                p.load(new java.io.StringReader(String.join("\n", lines.toList())));
            }
        }
        keys.forEach(p::setProperty);
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
    }
}
