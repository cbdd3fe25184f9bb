package io.labctl.agent.modules.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Replaces every secret input's value by {@value #MASK} in text the agent reports (diffs, reasons, health, error
 * messages), whatever the module or engine did with it: belt and braces beside the engine's sensitive flag. A
 * multi-line secret (a PEM key) is also masked line by line, since a diff shows it a line at a time.
 */
final class SecretMask {
    static final String MASK = "******";

    /** Longest first, so a secret that contains another is masked whole. */
    private final List<String> fragments;

    SecretMask(List<String> secretValues) {
        Set<String> all = new LinkedHashSet<>();
        for (String value : secretValues) {
            if (value == null || value.isEmpty()) {
                continue;
            }
            all.add(value);
            if (value.indexOf('\n') >= 0) {
                for (String line : value.split("\r?\n")) {
                    if (!line.isBlank()) {
                        all.add(line);
                    }
                }
            }
        }
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        this.fragments = List.copyOf(sorted);
    }

    /** The text with every secret value masked; null stays null. */
    String mask(String text) {
        if (text == null || fragments.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String fragment : fragments) {
            masked = masked.replace(fragment, MASK);
        }
        return masked;
    }
}
