/** File helpers shared by the job's parts: atomic writes, so a crash never leaves half a file. */
package dev.pct.train.io;
