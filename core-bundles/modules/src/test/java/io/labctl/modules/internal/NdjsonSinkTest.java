package io.labctl.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.Json;
import io.labctl.protocol.modules.ApplyEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NDJSON body of apply, rollback and remove: one JSON event a line, each flushed as it is written. */
class NdjsonSinkTest {

    @Test
    void eachEventIsOneLineFlushedAtOnce() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> seenAtFlush = new ArrayList<>();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void flush() {
                seenAtFlush.add(bytes.toString(StandardCharsets.UTF_8));
            }
        };
        ModulesResource.NdjsonSink sink = new ModulesResource.NdjsonSink(out);
        sink.accept(new ApplyEvent(ApplyEvent.TARGET, "s1", null, null, 0, 2));
        sink.accept(new ApplyEvent(ApplyEvent.SUMMARY, null, null, "module.apply web: 1 changed", 2, 2));

        assertEquals(2, seenAtFlush.size(), "flushed after each event");
        assertTrue(seenAtFlush.get(0).endsWith("\n") && seenAtFlush.get(0).lines().count() == 1, seenAtFlush.get(0));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals("s1", Json.json().readValue(lines.get(0), ApplyEvent.class).server());
        assertEquals("module.apply web: 1 changed", Json.json().readValue(lines.get(1), ApplyEvent.class).message());
    }

    @Test
    void aClientThatWentAwayStopsTheWritingNotTheRun() {
        int[] writes = {0};
        OutputStream gone = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writes[0]++;
                throw new IOException("broken pipe");
            }
        };
        ModulesResource.NdjsonSink sink = new ModulesResource.NdjsonSink(gone);
        sink.accept(new ApplyEvent(ApplyEvent.TARGET, "s1", null, null, 0, 1));
        sink.accept(new ApplyEvent(ApplyEvent.RESULT, "s1", null, null, 1, 1)); // no exception reaches the run
        assertEquals(1, writes[0], "nothing more is written once the client is gone");
    }
}
