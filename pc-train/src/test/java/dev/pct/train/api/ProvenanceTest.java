package dev.pct.train.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {

    private static Map<String, Object> caller() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", "fashion-mnist");
        m.put("data", "idx /data");
        return m;
    }

    @Test
    void aStagesFactsComeAfterTheCallersInAFixedOrder() {
        Map<String, Object> m = new Provenance.Stage(caller(), "/runs/a", "pc", 7, "cnn", "fd-kl", "last epoch")
                .toMap();
        assertEquals(List.of("job", "data", "run", "model", "seed", "started_from", "loss", "selection"),
                List.copyOf(m.keySet()));
        assertEquals(7, m.get("seed"));
        assertEquals("fashion-mnist", m.get("job"));
    }

    @Test
    void aRunWritesItsLossOrItsSweepAndTheOldModelsNotesAndSharedTeacherCacheOnlyWhenThereAreSome() {
        Provenance.Run single = new Provenance.Run(caller(), "n", List.of(1), "cpu()", false, "t", "old.pt",
                List.of(), null, "cnn", "kl", null, "last, patience 0", "every_epoch", 128, "0.1", "0.36.0", "PyTorch 2.7.1",
                0, "Debian 17", "Linux amd64", 2, 1024L);
        assertEquals(List.of("job", "data", "name", "seeds", "device", "resumed", "time", "old_model", "new_model",
                "loss", "selection", "evaluate_test", "evaluation_batch_size", "pct_version", "djl_version", "engine",
                "gpu_count", "java", "os", "cpus", "max_heap_mb"), List.copyOf(single.toMap().keySet()));
        Provenance.Run sweep = new Provenance.Run(caller(), "n", List.of(1), "cpu()", true, "t", "old.pt",
                List.of("input shape read from the file"), "/shared/teacher", "cnn", null, Map.of("pc-a", "kl"), "last, patience 0",
                "selected", 128, "0.1", "0.36.0", "PyTorch 2.7.1", 0, "Debian 17", "Linux amd64", 2, 1024L);
        Map<String, Object> m = sweep.toMap();
        assertEquals(List.of("input shape read from the file"), m.get("old_model_notes"));
        assertEquals("/shared/teacher", m.get("teacher_cache"));
        assertEquals(List.of("old_model", "old_model_notes", "teacher_cache", "new_model"),
                List.copyOf(m.keySet()).subList(7, 11));
        assertEquals(Map.of("pc-a", "kl"), m.get("sweep"));
        assertEquals(false, m.containsKey("loss"));
        assertEquals(1024L, m.get("max_heap_mb"));
    }
}
