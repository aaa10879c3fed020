/**
 * The trained new model as a DJL model directory that holds no code: the parameters, and the {@code
 * serving.properties} that declare the architecture as data, which a service loads with {@code Criteria} and
 * pct's architecture artifact ({@code dev.pct:pc-train:<version>:models}) on its class path; the architecture's
 * classes go into the directory only when asked; see {@link dev.pct.train.export.ModelExport}.
 */
package dev.pct.train.export;
