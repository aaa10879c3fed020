/**
 * The trained new model as a DJL model directory that {@code Criteria} loads with nothing of pct on the class
 * path: the parameters, the {@code serving.properties} that name the architecture, and the architecture's
 * classes in a jar of their own; see {@link dev.pct.train.export.ModelExport}.
 */
package dev.pct.train.export;
