package io.labctl.cli.render;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.protocol.Progress;

/**
 * One stderr line per progress event of a long request ({@code agents upgrade}, {@code system upgrade}), as it
 * comes, the way {@code kubectl rollout status} reports: steps, batches, each server's start and end. The final
 * answer is printed apart (stdout). Events a newer labd may add, and keep-alives, print nothing.
 */
public final class ProgressPrinter {
    private ProgressPrinter() {}

    /** The line for an event, without a newline; null for one that shows nothing. */
    public static String line(Progress e) {
        String type = e.type() == null ? "" : e.type();
        return switch (type) {
            case Progress.STEP -> (e.step() == null ? "step" : e.step()) + (e.message() == null ? "" : ": " + e.message());
            case Progress.BATCH -> "batch " + e.done() + "/" + e.total() + (e.message() == null ? "" : ": " + e.message());
            case Progress.START -> e.server() + ": started" + (e.message() == null ? "" : ", " + e.message());
            case Progress.RESULT -> result(e);
            default -> null;
        };
    }

    /** {@code [2/5] web-1 upgraded 0.1.0 -> 0.2.0 (1412ms)}, with the message when it did not go well. */
    private static String result(Progress e) {
        JsonNode r = e.result();
        String result = text(r, "result");
        StringBuilder b = new StringBuilder();
        if (e.total() > 0) {
            b.append('[').append(e.done()).append('/').append(e.total()).append("] ");
        }
        b.append(e.server()).append(' ').append(result == null ? "done" : result);
        String from = text(r, "from");
        String to = text(r, "to");
        if (from != null && to != null && !from.equals(to)) {
            b.append(' ').append(from).append(" -> ").append(to);
        } else if (to != null) {
            b.append(' ').append(to);
        }
        if (r != null && r.path("millis").asLong() > 0) {
            b.append(" (").append(r.path("millis").asLong()).append("ms)");
        }
        String message = text(r, "message");
        if (message != null && !"upgraded".equals(result) && !"unchanged".equals(result)) {
            b.append(": ").append(message);
        }
        return b.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
