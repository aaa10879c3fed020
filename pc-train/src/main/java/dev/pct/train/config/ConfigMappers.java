package dev.pct.train.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pct.train.io.Spelling;
import java.io.IOException;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;

/** The one Jackson YAML mapper of the config package, set up to be strict and snake_case. */
final class ConfigMappers {

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

    /** Writes every enumeration constant as its {@link Spelling}. */
    private static final class SpelledSerializer extends StdSerializer<Enum<?>> {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings({"unchecked", "rawtypes"})
        SpelledSerializer(Class<?> type) {
            super((Class) type);
        }

        @Override
        public void serialize(Enum<?> value, JsonGenerator generator, SerializerProvider provider)
                throws IOException {
            generator.writeString(Spelling.of(value));
        }
    }

    /** Reads every enumeration constant from its {@link Spelling}; another text fails, naming the valid ones. */
    private static final class SpelledDeserializer extends FromStringDeserializer<Object> {
        private static final long serialVersionUID = 1L;

        SpelledDeserializer(Class<?> type) {
            super(type);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        protected Object _deserialize(String value, DeserializationContext context) {
            return Spelling.parse((Class) handledType(), value);
        }
    }

    private static YAMLMapper build() {
        // Jackson writes a Path as a file:// URI by default; plain text reads better and loads back.
        SimpleModule module = new SimpleModule("pct-paths-and-enums");
        module.addSerializer(Path.class, ToStringSerializer.instance);
        module.addDeserializer(Path.class, new FromStringDeserializer<>(Path.class) {
            private static final long serialVersionUID = 1L;

            @Override
            protected Path _deserialize(String value, DeserializationContext context) {
                return Path.of(value);
            }
        });
        // Every enumeration, the config's own, the domain's and pc-core's, is spelled by one rule (Spelling).
        module.setSerializerModifier(new BeanSerializerModifier() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonSerializer<?> modifyEnumSerializer(SerializationConfig config, JavaType type,
                    BeanDescription description, JsonSerializer<?> serializer) {
                return new SpelledSerializer(type.getRawClass());
            }
        });
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                    BeanDescription description, JsonDeserializer<?> deserializer) {
                return new SpelledDeserializer(type.getRawClass());
            }
        });
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
                .addModule(module)
                .build();
    }
}
