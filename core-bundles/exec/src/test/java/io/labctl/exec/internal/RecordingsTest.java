package io.labctl.exec.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.api.ApiException;
import io.labctl.api.web.SocketConnection;
import io.labctl.protocol.Json;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.exec.ExecRequest;
import io.labctl.protocol.exec.Recording;
import io.labctl.protocol.exec.RecordingInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingsTest {
    @TempDir
    Path dir;

    @Test
    void aRecordedSessionIsAnAsciicastOfItsOutputOnlyReadableByLabd() throws Exception {
        Recordings recordings = new Recordings(dir.resolve("rec"), 1024 * 1024);
        List<ByteBuffer> sent = new ArrayList<>();
        RecordingConnection connection = new RecordingConnection(new Sink(sent));
        SessionRecorder recorder = recordings.start("web-1", "alice",
                new ExecRequest(List.of("sh", "-c", "echo hi"), true, 120, 40), Instant.parse("2026-11-26T07:00:00Z"));
        connection.recordTo(recorder);
        connection.send(data(ExecRequest.STDOUT, "hi\r\n"));
        connection.send(data(ExecRequest.STDERR, "oops\n"));
        connection.send(Frame.credit(1, 4096).encode());
        connection.close(1000, "done");
        assertEquals(3, sent.size(), "every frame still reaches the user");

        Path file = dir.resolve("rec").resolve(recorder.id() + ".cast");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("rec"))));
        List<String> lines = Files.readAllLines(file);
        JsonNode header = Json.json().readTree(lines.get(0));
        assertEquals(2, header.get("version").asInt());
        assertEquals(120, header.get("width").asInt());
        assertEquals("sh -c echo hi", header.get("command").asText());
        assertEquals("hi\r\n", Json.json().readTree(lines.get(1)).get(2).asText());
        assertEquals("o", Json.json().readTree(lines.get(2)).get(1).asText());
        assertEquals("oops\n", Json.json().readTree(lines.get(2)).get(2).asText());
        assertEquals(3, lines.size(), "credit frames are not output");

        RecordingInfo info = recordings.list().get(0);
        assertEquals(recorder.id(), info.id());
        assertEquals("web-1", info.server());
        assertEquals("alice", info.user());
        assertFalse(info.truncated());
        Recording one = recordings.get(recorder.id());
        assertTrue(one.cast().contains("oops"));
        assertTrue(recorder.id().startsWith("20261126-070000-web-1-"), recorder.id());
    }

    @Test
    void outputBeyondTheLimitIsCutAndTheRecordingSaysSo() throws Exception {
        Recordings recordings = new Recordings(dir, 10);
        SessionRecorder recorder = recordings.start("db", "bob", new ExecRequest(List.of("yes"), false, 80, 24), Instant.now());
        byte[] chunk = "yyyyyyyy".getBytes(StandardCharsets.UTF_8);
        recorder.output(chunk, 0, chunk.length);
        recorder.output(chunk, 0, chunk.length);
        recorder.output(chunk, 0, chunk.length);
        recorder.close();
        String cast = recordings.get(recorder.id()).cast();
        assertTrue(cast.contains(SessionRecorder.TRUNCATED));
        assertEquals(1, cast.split("yyyyyyyy", -1).length - 1, "only what fits is kept");
        assertTrue(recordings.list().get(0).truncated());
    }

    @Test
    void idsAreCheckedSoNoPathLeavesTheFolder() {
        Recordings recordings = new Recordings(dir, 10);
        assertEquals(400, assertThrows(ApiException.class, () -> recordings.get("../../etc/passwd")).status());
        assertEquals(404, assertThrows(ApiException.class, () -> recordings.get("20261126-070000-web-1-0123abcd")).status());
    }

    private static ByteBuffer data(byte tag, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[t.length + 1];
        p[0] = tag;
        System.arraycopy(t, 0, p, 1, t.length);
        return new Frame(FrameType.DATA, 1, p).encode();
    }

    /** Test double: the user's end of the socket, keeping what was sent. */
    private record Sink(List<ByteBuffer> sent) implements SocketConnection {
        public CompletableFuture<Void> send(ByteBuffer message) {
            sent.add(message);
            return CompletableFuture.completedFuture(null);
        }

        public void close(int code, String reason) {
        }

        public boolean isOpen() {
            return true;
        }

        public String remoteAddress() {
            return "127.0.0.1";
        }
    }
}
