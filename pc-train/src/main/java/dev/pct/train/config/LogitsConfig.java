package dev.pct.train.config;

import java.nio.file.Path;

/**
 * Files holding the old model's saved logits, used when {@code old_model.source} is {@code logits}.
 *
 * <p>Each file is a CSV of N rows (samples, in data-set order after {@code train_limit}/{@code test_limit})
 * by C columns (classes). Relative paths resolve like {@code data.path}.
 *
 * @param train logits on the training set (the whole set before the validation split); required for
 *     source logits
 * @param test logits on the test set; required for source logits
 */
public record LogitsConfig(Path train, Path test) {

    /** No files: the value when the old model is trained or loaded. */
    static LogitsConfig template() {
        return new LogitsConfig(null, null);
    }
}
