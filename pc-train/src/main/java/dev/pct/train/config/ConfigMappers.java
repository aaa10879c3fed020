package dev.pct.train.config;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.SampleFilter;
import dev.pct.train.data.ChannelOrder;
import dev.pct.train.data.ResizeMode;
import dev.pct.train.io.LogitCache;
import dev.pct.train.model.Architecture;
import dev.pct.train.update.NewModel;
import dev.pct.train.optim.LearningRateSchedule;
import dev.pct.train.optim.PcOptimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/** The one Jackson YAML mapper of the config package, set up to be strict and snake_case. */
final class ConfigMappers {

    /** The enumerations of other packages that job files name, spelled as their lower-case names. */
    static final List<Class<? extends Enum<?>>> DOMAIN_ENUMS = List.of(SampleFilter.class, ClassReduction.class,
            PcOptimizer.Kind.class, LearningRateSchedule.Type.class, Architecture.class, ChannelOrder.class,
            NewModel.Head.class, ResizeMode.class, LogitCache.Precision.class);

    /**
     * The most a job file may hold, in bytes and in YAML code points. The shipped job files are under 3 KB and a
     * generated sweep of hundreds of settings stays in the tens of KB, so 1 MiB refuses no real job file while a
     * file that is not a job file (a data set, a log, something hostile) fails at once instead of being read
     * into memory. The loader checks a file's size before reading it; the same number as SnakeYAML's code point
     * limit (its default is 3 Mi) is only a backstop for {@code --set} values, which the command line bounds.
     */
    static final int MAX_JOB_FILE_SIZE = 1 << 20;

    /** Shared, thread-safe once configured. */
    static final YAMLMapper YAML = build();


    private ConfigMappers() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void lowerCase(SimpleModule module, Class<? extends Enum<?>> type) {
        module.addSerializer((Class) type, new StdSerializer<Enum<?>>((Class) type) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Enum<?> value, JsonGenerator generator, SerializerProvider provider)
                    throws IOException {
                generator.writeString(ConfigEnum.spelling(value));
            }
        });
        module.addDeserializer((Class) type, new FromStringDeserializer(type) {
            private static final long serialVersionUID = 1L;

            @Override
            protected Object _deserialize(String value, DeserializationContext context) {
                return ConfigEnum.fromSpelling((Class) type, value);
            }
        });
    }

    private static YAMLMapper build() {
        // Jackson writes a Path as a file:// URI by default; plain text reads better and loads back.
        SimpleModule paths = new SimpleModule("pct-paths");
        paths.addSerializer(Path.class, ToStringSerializer.instance);
        paths.addDeserializer(Path.class, new FromStringDeserializer<>(Path.class) {
            private static final long serialVersionUID = 1L;

            @Override
            protected Path _deserialize(String value, DeserializationContext context) {
                return Path.of(value);
            }
        });
        // Domain enumerations (pc-core's, the optimizer's, the architecture) are written in lower case.
        for (Class<? extends Enum<?>> type : DOMAIN_ENUMS) {
            lowerCase(paths, type);
        }
        LoaderOptions limits = new LoaderOptions();
        limits.setCodePointLimit(MAX_JOB_FILE_SIZE);
        // Jackson reads YAML as a stream of events and never expands an alias (nor instantiates a !!class tag),
        // so a "billion laughs" document cannot grow in memory; YamlLocations refuses aliases with a message,
        // since Jackson would otherwise read "*name" silently as the text "name".
        return YAMLMapper.builder(YAMLFactory.builder().loaderOptions(limits).build())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .addModule(paths)
                .build();
    }
}
