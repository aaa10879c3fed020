/**
 * File helpers shared by the job's parts: atomic writes, so a crash never leaves half a file, and the run
 * directory's lock, so two jobs never write one directory.
 */
package dev.pct.train.io;
