package io.labctl.repository.internal;

import java.nio.file.Path;

/** The configuration, resolved and checked once at activation. */
record RepositorySettings(long maxBytes, Path builtinDirectory, Path tempDirectory) {
    static final String KARAF_HOME = "${karaf.home}";

    RepositorySettings {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxSizeMiB in io.labctl.repository must be at least 1");
        }
    }

    static RepositorySettings of(RepositoryConfig config) {
        if (config.maxSizeMiB() < 1) {
            throw new IllegalArgumentException("maxSizeMiB in io.labctl.repository must be at least 1, got "
                    + config.maxSizeMiB());
        }
        String dir = config.builtinDirectory() == null || config.builtinDirectory().isBlank()
                ? KARAF_HOME + "/modules" : config.builtinDirectory().strip();
        Path builtins = Path.of(dir.replace(KARAF_HOME, System.getProperty("karaf.home", "."))).toAbsolutePath();
        // beside the JVM's other temporary files (Karaf points java.io.tmpdir into its data folder)
        Path temp = Path.of(System.getProperty("java.io.tmpdir"), "labctl-repository");
        return new RepositorySettings((long) config.maxSizeMiB() << 20, builtins, temp);
    }
}
