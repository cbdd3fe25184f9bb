package io.labctl.cli;

/** Reading a command line before picocli does: small, so that the session client can use it without loading picocli. */
public final class Args {
    private Args() {}

    /**
     * The verb: the first argument after the global options ({@code --config FILE}, {@code --context NAME}, or their
     * {@code =} forms); null when there is none or another option comes first (-h, -V, a mistake).
     */
    public static String verb(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--config") || a.equals("--context")) {
                i++;
            } else if (a.startsWith("-")) {
                if (!a.startsWith("--config=") && !a.startsWith("--context=")) {
                    return null;
                }
            } else {
                return a;
            }
        }
        return null;
    }
}
