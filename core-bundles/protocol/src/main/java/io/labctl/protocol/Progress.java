package io.labctl.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of a long request's NDJSON answer ({@value #CONTENT_TYPE}), sent when the client asks for it in its
 * {@code Accept} header ({@code labctl agents upgrade}, {@code labctl system upgrade|install|uninstall}); other
 * clients get the single JSON answer at the end. Everything that can be refused is refused (an HTTP error) before the
 * first line. The last line is {@link #FINAL} (result = the answer a plain client gets) or {@link #ERROR} (a refusal
 * that came after the first line: status, code and message as the HTTP error would have had them).
 *
 * @param type    {@link #STEP}, {@link #BATCH}, {@link #START}, {@link #RESULT}, {@link #KEEP_ALIVE}, {@link #FINAL},
 *                {@link #ERROR}; a client ignores types it does not know
 * @param server  the server a {@link #START} or {@link #RESULT} is about
 * @param step    what a {@link #STEP} reached (e.g. {@code fetched}, {@code installed}, {@code health}, {@code healthy})
 * @param message in words
 * @param done    servers (or batches, for {@link #BATCH}) finished so far, or the number of the batch starting
 * @param total   servers (or batches) in all
 * @param result  one server's result ({@link #RESULT}) or the whole answer ({@link #FINAL}), as JSON
 * @param status  an {@link #ERROR}'s HTTP status
 * @param code    an {@link #ERROR}'s code
 */
public record Progress(String type, String server, String step, String message, int done, int total, JsonNode result,
                       Integer status, String code) {
    public static final String CONTENT_TYPE = "application/x-ndjson";
    public static final String STEP = "step";
    public static final String BATCH = "batch";
    public static final String START = "start";
    public static final String RESULT = "result";
    /** Sent when nothing else was for a few seconds, so that no proxy or idle timeout cuts a long wait. */
    public static final String KEEP_ALIVE = "keep-alive";
    public static final String FINAL = "final";
    public static final String ERROR = "error";

    public static Progress step(String step, String message) {
        return new Progress(STEP, null, step, message, 0, 0, null, null, null);
    }

    public static Progress batch(int number, int batches, String message) {
        return new Progress(BATCH, null, null, message, number, batches, null, null, null);
    }

    public static Progress start(String server, String message) {
        return new Progress(START, server, null, message, 0, 0, null, null, null);
    }

    public static Progress result(String server, Object result, int done, int total) {
        return new Progress(RESULT, server, null, null, done, total, Json.json().valueToTree(result), null, null);
    }

    public static Progress keepAlive() {
        return new Progress(KEEP_ALIVE, null, null, null, 0, 0, null, null, null);
    }

    public static Progress fin(Object result) {
        return new Progress(FINAL, null, null, null, 0, 0, Json.json().valueToTree(result), null, null);
    }

    public static Progress error(int status, String code, String message) {
        return new Progress(ERROR, null, null, message, 0, 0, null, status, code);
    }
}
