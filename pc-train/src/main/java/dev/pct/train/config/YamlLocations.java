package dev.pct.train.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 */
final class YamlLocations {

    private YamlLocations() {}

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
