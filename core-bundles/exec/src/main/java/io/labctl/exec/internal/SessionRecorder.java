package io.labctl.exec.internal;

import io.labctl.protocol.Json;
import io.labctl.protocol.exec.ExecRequest;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's output as asciinema v2: a JSON header line, then {@code [seconds, "o", text]} per output chunk
 * (stdout and stderr alike; output that is not UTF-8 is kept with replacement characters). Stops keeping output at
 * the size limit and says so in the file. A failed write ends the recording, never the session.
 */
final class SessionRecorder implements AutoCloseable {
    static final String TRUNCATED = "[labctl: recording truncated at the size limit]";
    private static final Logger LOG = LoggerFactory.getLogger(SessionRecorder.class);

    private final String id;
    private final long started;
    private final long maxBytes;
    private Writer out;
    private long written;

    SessionRecorder(String id, Path file, String server, String user, ExecRequest request, Instant now, long maxBytes)
            throws IOException {
        this.id = id;
        this.started = System.nanoTime();
        this.maxBytes = maxBytes;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("version", 2);
        header.put("width", request.tty() ? request.cols() : 80);
        header.put("height", request.tty() ? request.rows() : 24);
        header.put("timestamp", now.getEpochSecond());
        header.put("command", String.join(" ", request.command()));
        header.put("title", "server/" + server + " by " + user);
        header.put("labctl", Map.of("server", server, "user", user, "tty", request.tty()));
        line(Json.json().writeValueAsString(header));
    }

    String id() {
        return id;
    }

    /** Output bytes (without the stream tag) as they went to the user. */
    synchronized void output(byte[] payload, int offset, int length) {
        if (out == null) {
            return;
        }
        if (written + length > maxBytes) {
            event(TRUNCATED + "\r\n");
            close();
            return;
        }
        written += length;
        event(decode(payload, offset, length));
    }

    private void event(String text) {
        double seconds = (System.nanoTime() - started) / 1e9;
        try {
            line(Json.json().writeValueAsString(List.of(Math.round(seconds * 1e6) / 1e6, "o", text)));
        } catch (IOException e) {
            LOG.warn("session recording {} stopped: {}", id, e.getMessage());
            close();
        }
    }

    private void line(String json) throws IOException {
        out.write(json);
        out.write('\n');
    }

    private static String decode(byte[] b, int offset, int length) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return d.decode(java.nio.ByteBuffer.wrap(b, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("session recording {} not closed cleanly: {}", id, e.getMessage());
        }
        out = null;
    }
}
