package io.labctl.modules.internal;

import io.labctl.protocol.InvalidInput;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --batch N|P%}: how many targets run at a time. None: all of them (labd still bounds the parallelism). */
final class Batches {
    private static final Pattern SHAPE = Pattern.compile("(\\d{1,6})(%?)");

    private Batches() {}

    static int size(String batch, int targets) {
        if (batch == null || batch.isBlank()) {
            return Math.max(1, targets);
        }
        Matcher m = SHAPE.matcher(batch.strip());
        int n = m.matches() ? Integer.parseInt(m.group(1)) : -1;
        boolean percent = m.matches() && !m.group(2).isEmpty();
        if (n < 1 || percent && n > 100) {
            throw new InvalidInput("invalid-batch", "batch", "batch '" + batch + "' is not valid; give a number of "
                    + "servers (--batch 2) or a percentage of the targets from 1% to 100% (--batch 25%)");
        }
        // a percentage of few targets still moves: at least one server per batch
        return percent ? Math.max(1, targets * n / 100) : n;
    }

    static int maxFailures(Integer maxFailures) {
        if (maxFailures != null && maxFailures < 0) {
            throw new InvalidInput("invalid-max-failures", "max-failures", "max-failures " + maxFailures
                    + " is negative; give 0 (stop after the first failure) or more");
        }
        return maxFailures == null ? 0 : maxFailures;
    }
}
