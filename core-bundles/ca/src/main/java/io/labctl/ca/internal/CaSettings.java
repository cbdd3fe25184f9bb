package io.labctl.ca.internal;

import java.nio.file.Path;
import java.time.Duration;

/** The configuration, resolved and checked once at activation. */
record CaSettings(Path masterKeyFile, int caValidityYears, Duration revocationRefresh) {
    static final String KARAF_ETC = "${karaf.etc}";

    CaSettings {
        if (caValidityYears < 1) {
            throw new IllegalArgumentException("caValidityYears in io.labctl.ca must be at least 1, got " + caValidityYears);
        }
        if (revocationRefresh.isNegative() || revocationRefresh.isZero()) {
            throw new IllegalArgumentException("revocationRefreshSeconds in io.labctl.ca must be at least 1, got "
                    + revocationRefresh.toSeconds());
        }
    }

    static CaSettings of(CaConfig config) {
        return new CaSettings(resolveKeyFile(config.masterKeyFile()), config.caValidityYears(),
                Duration.ofSeconds(config.revocationRefreshSeconds()));
    }

    /** The metatype default cannot read system properties, so ${karaf.etc} is expanded here (plain "etc" outside Karaf). */
    static Path resolveKeyFile(String configured) {
        String value = configured == null || configured.isBlank() ? KARAF_ETC + "/labd-master.key" : configured.strip();
        return Path.of(value.replace(KARAF_ETC, System.getProperty("karaf.etc", "etc"))).toAbsolutePath();
    }
}
