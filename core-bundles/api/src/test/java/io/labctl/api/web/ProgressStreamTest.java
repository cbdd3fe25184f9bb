package io.labctl.api.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.protocol.Json;
import io.labctl.protocol.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressStreamTest {
    private static List<Progress> lines(ByteArrayOutputStream out) throws IOException {
        List<Progress> events = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            events.add(Json.json().readValue(line, Progress.class));
        }
        return events;
    }

    @Test
    void acceptHeaderDecidesTheShape() {
        assertTrue(ProgressStream.wanted(List.of("application/x-ndjson, application/json")));
        assertTrue(ProgressStream.wanted(List.of("Application/X-NDJSON")));
        assertFalse(ProgressStream.wanted(List.of("*/*")));
        assertFalse(ProgressStream.wanted(List.of("application/json")));
        assertFalse(ProgressStream.wanted(null));
    }

    @Test
    void aPlainClientGetsTheAnswerAndTheWorkSeesNoReader() {
        Object answer = ProgressStream.plain(sink -> {
            sink.accept(Progress.step("fetched", "ignored"));
            assertFalse(sink.clientGone());
            return Map.of("result", "upgraded");
        });
        assertEquals(Map.of("result", "upgraded"), answer);
    }

    @Test
    void aRefusalBeforeTheFirstEventStaysAnException() {
        Object[] answer = new Object[1];
        ApiException e = assertThrows(ApiException.class, () -> ProgressStream.start("t", sink -> {
            throw ApiException.notFound("no-servers", "no server matches");
        }, answer));
        assertEquals(404, e.status());
        assertNull(answer[0]);
    }

    @Test
    void workWithNothingToReportIsAnsweredPlainly() {
        Object[] answer = new Object[1];
        assertNull(ProgressStream.start("t", sink -> "unchanged", answer));
        assertEquals("unchanged", answer[0]);
    }

    @Test
    void eventsThenTheFinalAnswerOneLineEach() throws IOException {
        Object[] answer = new Object[1];
        ProgressStream s = ProgressStream.start("t", sink -> {
            sink.accept(Progress.step("fetched", "sha256 checked"));
            sink.accept(Progress.start("web-1", null));
            sink.accept(Progress.result("web-1", Map.of("result", "upgraded"), 1, 1));
            return Map.of("upgraded", 1);
        }, answer);
        assertNotNull(s);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.writeTo(out);
        List<Progress> events = lines(out);
        assertEquals(List.of(Progress.STEP, Progress.START, Progress.RESULT, Progress.FINAL),
                events.stream().map(Progress::type).toList());
        assertEquals("upgraded", events.get(2).result().get("result").asText());
        assertEquals(1, events.get(3).result().get("upgraded").asInt());
    }

    @Test
    void aRefusalAfterTheFirstEventIsAnErrorLineWithItsStatus() throws IOException {
        Object[] answer = new Object[1];
        ProgressStream s = ProgressStream.start("t", sink -> {
            sink.accept(Progress.step("fetched", null));
            throw ApiException.conflict("feature-not-installable", "Karaf cannot resolve it");
        }, answer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.writeTo(out);
        Progress last = lines(out).get(1);
        assertEquals(Progress.ERROR, last.type());
        assertEquals(409, last.status());
        assertEquals("feature-not-installable", last.code());
        assertEquals("Karaf cannot resolve it", last.message());
    }

    @Test
    void aQuietWaitSendsKeepAlives() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Object[] answer = new Object[1];
        ProgressStream s = ProgressStream.start("t", sink -> {
            sink.accept(Progress.step("health", "waiting"));
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "healthy";
        }, answer, Duration.ofMillis(20));
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public synchronized void flush() {
                // the work ends once three keep-alives were written
                if (toString(StandardCharsets.UTF_8).split(Progress.KEEP_ALIVE, -1).length > 3) {
                    release.countDown();
                }
            }
        };
        s.writeTo(out);
        List<Progress> events = lines(out);
        assertEquals(Progress.STEP, events.get(0).type());
        assertTrue(events.stream().filter(e -> Progress.KEEP_ALIVE.equals(e.type())).count() >= 3);
        assertEquals(Progress.FINAL, events.get(events.size() - 1).type());
    }

    @Test
    void aClientThatGoesAwayStopsTheWritingNotTheWork() {
        CountDownLatch seen = new CountDownLatch(1);
        boolean[] goneSeen = {false};
        Object[] answer = new Object[1];
        ProgressStream s = ProgressStream.start("t", sink -> {
            sink.accept(Progress.step("one", null));
            try {
                seen.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            goneSeen[0] = sink.clientGone();
            sink.accept(Progress.step("two", null));
            return "done";
        }, answer, Duration.ofMillis(20));
        int[] writes = {0};
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writes[0]++;
                seen.countDown();
                throw new IOException("Broken pipe");
            }
        };
        s.writeTo(broken);  // returns once the work ended
        assertTrue(goneSeen[0], "the work learns that nobody reads");
        assertSame(1, writes[0], "nothing is written after the first failure");
    }
}
