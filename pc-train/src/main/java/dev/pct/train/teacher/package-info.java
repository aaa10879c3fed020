/**
 * The teacher: the old model's outputs the focal-distillation term pulls the new model toward, in every form
 * a stage can read them.
 *
 * <p>{@link dev.pct.train.teacher.LogitCache} is the on-disk cache of the old model's (or a reference's)
 * logits over a split, in chunks with a header and CRC32C checks, reused by every stage and a resumed run;
 * {@link dev.pct.train.teacher.LogitRows} reads its rows. {@link dev.pct.train.teacher.CachedTeacher} turns
 * those rows into the loss's precomputed terms, once in memory when they fit or per batch;
 * {@link dev.pct.train.teacher.OnTheFlyTeacher} runs the old model on each batch instead (augmented data). All
 * are a {@link dev.pct.train.teacher.TeacherSource}, which is what the training loop asks for a batch's labels.
 */
package dev.pct.train.teacher;
