package io.labctl.api.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    static final List<String> NDJSON = List.of("application/x-ndjson, application/json");

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
        ProgressStream s = ProgressStream.answer(List.of("*/*"), "t", sink -> {
            sink.accept(Progress.step("fetched", "ignored"));
            assertFalse(sink.clientGone());
            return Map.of("result", "upgraded");
        });
        assertFalse(s.streaming());
        assertEquals(Map.of("result", "upgraded"), s.result());
        assertThrows(ApiException.class, () -> ProgressStream.answer(null, "t", sink -> {
            throw ApiException.badRequest("invalid-feature", "no");
        }));
    }

    @Test
    void aRefusalBeforeTheFirstEventStaysAnException() {
        ApiException e = assertThrows(ApiException.class, () -> ProgressStream.answer(NDJSON, "t", sink -> {
            throw ApiException.notFound("no-servers", "no server matches");
        }));
        assertEquals(404, e.status());
    }

    @Test
    void workWithNothingToReportIsAnsweredPlainly() {
        ProgressStream s = ProgressStream.answer(NDJSON, "t", sink -> "unchanged");
        assertFalse(s.streaming());
        assertEquals("unchanged", s.result());
    }

    @Test
    void eventsThenTheFinalAnswerOneLineEach() throws IOException {
        ProgressStream s = ProgressStream.answer(NDJSON, "t", sink -> {
            sink.accept(Progress.step("fetched", "sha256 checked"));
            sink.accept(Progress.start("web-1", null));
            sink.accept(Progress.result("web-1", Map.of("result", "upgraded"), 1, 1));
            return Map.of("upgraded", 1);
        });
        assertTrue(s.streaming());
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
        ProgressStream s = ProgressStream.answer(NDJSON, "t", sink -> {
            sink.accept(Progress.step("fetched", null));
            throw ApiException.conflict("feature-not-installable", "Karaf cannot resolve it");
        });
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
        ProgressStream s = ProgressStream.answer(NDJSON, "t", sink -> {
            sink.accept(Progress.step("health", "waiting"));
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "healthy";
        }, Duration.ofMillis(20));
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
        ProgressStream s = ProgressStream.answer(NDJSON, "t", sink -> {
            sink.accept(Progress.step("one", null));
            try {
                seen.await(10, TimeUnit.SECONDS);
                // the failed write is seen by the writing thread just after it threw: wait for it, boundedly
                for (int i = 0; i < 1000 && !sink.clientGone(); i++) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            goneSeen[0] = sink.clientGone();
            sink.accept(Progress.step("two", null));
            return "done";
        }, Duration.ofMillis(20));
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
