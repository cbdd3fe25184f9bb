package io.labctl.pulumi.engine.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Masks a run's secret values (passphrase, secret config) in whatever text leaves the engine for labd. */
final class Scrubber {
    static final String MASK = "[secret]";
    private final List<String> secrets = new ArrayList<>();

    Scrubber(Collection<String> values) {
        for (String v : values) {
            // a one-character "secret" would mask half of every line; such values are not secrets worth the noise
            if (v != null && v.length() >= 3) {
                secrets.add(v);
            }
        }
        // longest first, so a secret that contains another is masked whole
        secrets.sort(Comparator.comparingInt(String::length).reversed());
    }

    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return out;
    }
}
