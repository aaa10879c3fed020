package dev.pct.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of the PyTorch anchor, {@code pc-bench/pytorch/loss_path.py}: per case, the time of
 * one call of the naive and the idiomatic PyTorch form of the loss (per block of calls, the blocks
 * of the two forms interleaved) and the aten operators one call runs.
 *
 * @param torchVersion the torch version that ran, e.g. {@code 1.13.0a0}
 * @param pythonVersion the Python version that ran
 * @param threads torch's intra-op threads
 * @param interopThreads torch's inter-op threads
 * @param cases the cases by {@code device|N|C|distance}
 */
public record PyTorchAnchor(String torchVersion, String pythonVersion, int threads,
        int interopThreads, Map<String, Case> cases) {

    /**
     * One form of the loss in one case.
     *
     * @param micros the per-call time of each block, in microseconds
     * @param opsPerCall top-level aten operators of one call, or -1 if not counted
     */
    public record Form(Spread micros, int opsPerCall) {}

    /**
     * One case.
     *
     * @param naive the same composition as {@link NaiveFocalDistillation}
     * @param idiomatic {@code F.cross_entropy} with {@code F.kl_div} or {@code F.mse_loss}
     */
    public record Case(Form naive, Form idiomatic) {}

    /**
     * Reads the anchor's JSON file.
     *
     * @param file the file the script wrote
     * @return the results
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not the anchor's JSON
     */
    public static PyTorchAnchor read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PyTorch results " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the anchor's JSON.
     *
     * @param json the text the script wrote
     * @return the results
     * @throws IllegalArgumentException if it is not the anchor's JSON
     */
    public static PyTorchAnchor parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("expected the PyTorch anchor's JSON, got unparsable"
                    + " text", e);
        }
        if (root == null || !root.path("cases").isArray() || !root.has("torch")) {
            throw new IllegalArgumentException(
                    "expected an object with 'torch' and a 'cases' array");
        }
        Map<String, Case> cases = new LinkedHashMap<>();
        for (JsonNode c : root.get("cases")) {
            String key = ResultTable.caseKey(c.path("device").asText(), c.path("batchSize").asInt(),
                    c.path("numClasses").asInt(), c.path("distance").asText());
            cases.put(key, new Case(form(c, "naive", key), form(c, "idiomatic", key)));
        }
        return new PyTorchAnchor(root.get("torch").asText(), root.path("python").asText(""),
                root.path("threads").asInt(-1), root.path("interopThreads").asInt(-1), cases);
    }

    private static Form form(JsonNode c, String name, String key) {
        JsonNode form = c.path("forms").path(name);
        JsonNode blocks = form.path("blockMicros");
        if (!blocks.isArray() || blocks.isEmpty()) {
            throw new IllegalArgumentException("case " + key + ": expected forms." + name
                    + ".blockMicros as a non-empty array, got " + blocks);
        }
        List<Double> micros = new ArrayList<>();
        blocks.forEach(v -> micros.add(v.asDouble()));
        return new Form(Spread.of(micros), form.path("opsPerCall").asInt(-1));
    }
}
