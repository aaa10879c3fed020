package dev.pct.train.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Records the line and column of every node of a YAML document by key path, because Jackson's tree
 * ({@code JsonNode}) forgets locations and range checks run after binding.
 *
 * <p>A mapping member is located at its key (where a reader looks for it), a list element at its value.
 *
 * <p>The walk also refuses YAML aliases ({@code *name}): Jackson does not expand them but reads each as the text
 * of its anchor's name, so {@code output: *run} would silently become the folder {@code run}.
 */
final class YamlLocations {

    private YamlLocations() {}

    /** A YAML alias, which job files do not support; located at the alias, with the key it is the value of. */
    static final class AliasException extends JsonParseException {
        private static final long serialVersionUID = 1L;

        /** The key path the alias is the value of ({@code ""} for the document). */
        final String keyPath;

        AliasException(JsonParser parser, String keyPath, String anchor) {
            super(parser, "the alias *" + anchor + " is not supported in job files (it would be read as the text '"
                    + anchor + "', not as the anchored value); write the value out in full");
            this.keyPath = keyPath;
        }
    }

    /** One open mapping or list while walking the token stream. */
    private static final class Frame {
        final String path;
        final boolean list;
        String nextKeyPath;
        int nextIndex;

        Frame(String path, boolean list) {
            this.path = path;
            this.list = list;
        }
    }

    /**
     * Parses {@code text} (already known to be well-formed) and returns key path to origin.
     *
     * @param text the YAML document
     * @return mutable map from key path ({@code ""} for the document) to origin
     * @throws AliasException at the first alias ({@code *name}) of the document
     * @throws IOException if the parser fails
     */
    static Map<String, Origin> of(String text) throws IOException {
        Map<String, Origin> origins = new HashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser parser = ConfigMappers.YAML.getFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                JsonLocation at = parser.currentTokenLocation();
                if (token == JsonToken.FIELD_NAME) {
                    Frame frame = stack.peek();
                    frame.nextKeyPath = JobConfigSchema.join(frame.path, parser.currentName());
                    origins.put(frame.nextKeyPath, Origin.at(at.getLineNr(), at.getColumnNr()));
                    continue;
                }
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    stack.pop();
                    if (stack.isEmpty()) {
                        break; // only the first document is read, like ObjectMapper.readTree
                    }
                    continue;
                }
                String path = valuePath(stack.peek());
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw new AliasException(parser, path, parser.getText());
                }
                origins.putIfAbsent(path, Origin.at(at.getLineNr(), at.getColumnNr()));
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    stack.push(new Frame(path, token == JsonToken.START_ARRAY));
                }
                if (stack.isEmpty() && token.isScalarValue()) {
                    break;
                }
            }
        }
        return origins;
    }

    private static String valuePath(Frame parent) {
        if (parent == null) {
            return "";
        }
        return parent.list ? parent.path + "[" + parent.nextIndex++ + "]" : parent.nextKeyPath;
    }
}
