package dev.pct.train.teacher;

/** Why an existing header cannot be used as it is. */
final class HeaderMismatch extends Exception {
    HeaderMismatch(String reason) {
        super(reason, null, false, false);
    }
}
