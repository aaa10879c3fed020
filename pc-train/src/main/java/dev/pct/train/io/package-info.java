/**
 * Files and text formats shared by the job's parts: atomic writes, so a crash never leaves half a file; the run
 * directory's lock, so two jobs never write one directory; the prediction and logits CSV files ({@link
 * dev.pct.train.io.PredictionFiles}); and the one rule by which every enumeration is spelled in job files,
 * logs and reports ({@link dev.pct.train.io.Spelling}). It imports no other package of pc-train.
 */
package dev.pct.train.io;
