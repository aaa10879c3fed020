/**
 * Beyond one machine: the two parts of a model update that grow with the data and split into independent
 * ranges of samples, run as Apache Spark jobs. {@link dev.pct.train.spark.SparkTeacher} computes a job's
 * teacher cache (the old model's logits of its splits) in tasks of one chunk each, the driver writing and
 * checking the very file one process writes; {@link dev.pct.train.spark.SparkEvaluation} scores two models
 * on the test set in tasks whose flip accumulators merge into the counts of one pass. Each executor loads the
 * job's data and models once and keeps them for the tasks it runs ({@link dev.pct.train.spark.ExecutorPool}).
 *
 * <p>Spark is a provided dependency: the default job's jar and launcher carry none of it. These classes are
 * loaded only when a command is given a Spark master ({@code --spark}), under {@code spark-submit} on a cluster
 * or with the jars {@code bin/pc-train} adds for a local master.
 */
package dev.pct.train.spark;
