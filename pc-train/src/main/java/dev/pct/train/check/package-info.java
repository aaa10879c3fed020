/**
 * A setting's check, written once beside the setting: each settings record ({@code TrainingSettings}, {@code
 * SelectionSettings}, {@code InterpolationSettings}, ...) lists the values that fail its
 * checks as {@link dev.pct.train.check.SettingProblem}s, under the keys a job file spells them; the job file's
 * validator reports each under its line, and the Java API's builders refuse the first. {@link
 * dev.pct.train.check.Checks} writes the common ranges. {@code ModelSpec} has its own {@code Problem} of the same
 * shape: the package {@code dev.pct.train.model} ships alone, as the architecture artifact a Java service loads an
 * exported model with, so it depends on nothing else of pct.
 */
package dev.pct.train.check;
