package io.labctl.agent.core.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Short, log-friendly descriptions of failures: the innermost cause that says something, no stack trace. */
final class Failures {
    private Failures() {}

    static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        Throwable meaningful = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                meaningful = c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        String message = meaningful.getMessage();
        String type = meaningful.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }
}
