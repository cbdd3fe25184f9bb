package io.labctl.bastion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.LabdRequests;
import io.labctl.bastion.boot.ProvisioningLink;
import io.labctl.protocol.Json;
import io.labctl.protocol.provision.BastionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A standalone bastion's events go to labd over the agent's mutual TLS; what labd answers decides a retry. */
class RemoteProvisioningLinkTest {
    /** Test double of the agent's way to labd: records each POST and answers with the status given. */
    static final class Labd implements LabdRequests {
        final List<String> paths = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();
        int status = 204;
        String answer = "";
        boolean away;

        public String serverName() {
            return "bastion-1";
        }

        public Response post(String path, byte[] json) throws IOException {
            if (away) {
                throw new IOException("connection refused");
            }
            paths.add(path);
            bodies.add(new String(json, StandardCharsets.UTF_8));
            return new Response(status, answer.getBytes(StandardCharsets.UTF_8));
        }

        public Download download(String path, Path target, long maxBytes) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void eventsArePostedAsOneBatchAndLabdsAnswerDecidesWhetherToTryAgain() throws Exception {
        Labd labd = new Labd();
        RemoteProvisioningLink link = new RemoteProvisioningLink(labd);
        BastionEvent e = new BastionEvent(Instant.parse("2026-12-07T20:00:00Z"), null, "52:54:00:77:09:05", "tftp",
                "sent undionly.kpxe");
        link.events(new BastionEvent.Batch(List.of(e), 3));
        assertEquals(List.of("/api/v1/provision/bastion/events"), labd.paths);
        BastionEvent.Batch sent = Json.json().readValue(labd.bodies.get(0), BastionEvent.Batch.class);
        assertEquals(List.of(e), sent.events());
        assertEquals(3, sent.dropped());

        labd.status = 400;
        labd.answer = "{\"code\":\"batch-too-large\",\"message\":\"a bastion reports at most 500 events\",\"requestId\":\"r\"}";
        ProvisioningLink.LinkException refused = assertThrows(ProvisioningLink.LinkException.class,
                () -> link.events(new BastionEvent.Batch(List.of(e), 0)));
        assertFalse(refused.unreachable(), "a refusal is not retried");
        assertTrue(refused.getMessage().contains("at most 500 events"), refused.getMessage());

        labd.away = true;
        assertTrue(assertThrows(ProvisioningLink.LinkException.class,
                () -> link.events(new BastionEvent.Batch(List.of(e), 0))).unreachable(), "kept and sent again later");
    }
}
