package dev.pct.train.api;

import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.train.reference.Reference;
import java.util.Objects;

/**
 * One PC model of a run: its loss and what the loss distils toward.
 *
 * @param loss the focal-distillation loss, lambda &gt; 0
 * @param reference the old model or an ensemble of plain retrains
 */
public record PcSetting(FocalDistillationLoss loss, Reference reference) {
    /** Checks that both are given. */
    public PcSetting {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(reference, "reference");
    }
}
