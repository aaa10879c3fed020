package dev.pct.train.cli;

/** Placeholder entry point; replaced by the picocli command line. */
public final class PcTrainCli {
    private PcTrainCli() {}

    public static void main(String[] args) {
        System.out.println("pc-train");
    }
}
