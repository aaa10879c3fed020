package dev.pct.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.testing.ForkedJvm;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java example in README.md compiles against pct's and DJL's current API: each {@code ```java} block
 * becomes the body of a method whose parameters are the block's free variables (the user's own objects), with
 * the imports a user of that example writes.
 */
class ReadmeExamplesTest {

    private static final Path README = Path.of("..", "README.md");

    private static final String IMPORTS = """
            import ai.djl.Model;
            import ai.djl.ndarray.NDArray;
            import ai.djl.ndarray.NDList;
            import ai.djl.ndarray.NDManager;
            import ai.djl.ndarray.types.Shape;
            import ai.djl.inference.Predictor;
            import ai.djl.repository.zoo.Criteria;
            import ai.djl.repository.zoo.ZooModel;
            import ai.djl.training.GradientCollector;
            import ai.djl.training.Trainer;
            import ai.djl.training.dataset.RandomAccessDataset;
            import dev.pct.core.loss.Distance;
            import dev.pct.core.loss.FocalDistillationLoss;
            import dev.pct.core.loss.SampleFilter;
            import dev.pct.core.loss.TeacherLabels;
            import dev.pct.train.api.PcResult;
            import dev.pct.train.api.PcTraining;
            import dev.pct.train.data.PcData;
            import dev.pct.train.loop.TrainingSettings;
            import dev.pct.train.model.ArchitectureBlockFactory;
            import dev.pct.train.update.NewModel;
            import dev.pct.train.update.OldModel;
            import java.nio.file.Path;
            import java.nio.file.Paths;
            """;

    /** The free variables of each example, by a phrase only that example has. */
    private static final Map<String, String> PARAMETERS = new LinkedHashMap<>();

    static {
        PARAMETERS.put("Criteria.builder()", "float[] pixels, int n");
        PARAMETERS.put("PcTraining.builder()", "RandomAccessDataset trainSet, RandomAccessDataset validationSet,"
                + " RandomAccessDataset testSet, NDManager manager, Model productionModel");
        PARAMETERS.put("loss.teacherLabels(", "NDArray labels, NDArray oldLogits, Trainer trainer, NDArray images,"
                + " NDList batchTeacherRows");
    }

    @TempDir
    Path tmp;

    @Test
    void everyJavaExampleCompiles() throws IOException {
        Matcher blocks = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(README));
        List<Path> sources = new ArrayList<>();
        while (blocks.find()) {
            String body = blocks.group(1);
            String parameters = PARAMETERS.entrySet().stream().filter(e -> body.contains(e.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            assertNotNull(parameters, "a README example this test does not know; add its free variables to"
                    + " PARAMETERS:\n" + body);
            String name = "Example" + sources.size();
            Path source = tmp.resolve(name + ".java");
            Files.writeString(source, IMPORTS + "\nclass " + name + " {\n    void run(" + parameters
                    + ") throws Exception {\n" + body + "    }\n}\n");
            sources.add(source);
        }
        assertEquals(PARAMETERS.size(), sources.size(), "README's Java examples");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("-d", tmp.resolve("classes").toString(), "-cp",
                String.join(File.pathSeparator, ForkedJvm.testClassPath())));
        sources.forEach(s -> arguments.add(s.toString()));
        int status = compiler.run(null, null, errors, arguments.toArray(String[]::new));
        assertTrue(status == 0, "README's Java examples do not compile:\n" + errors.toString(StandardCharsets.UTF_8));
    }
}
