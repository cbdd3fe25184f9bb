package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;

class HandlerRegistryTest {
    /** A new object each time (a non-capturing lambda would be one shared instance). */
    static StreamHandler handler() {
        return new StreamHandler() {
            @Override
            public StreamReceiver open(io.labctl.protocol.channel.StreamOpen open, io.labctl.agent.api.StreamChannel channel) {
                return StreamReceiver.IGNORE;
            }
        };
    }

    @Test
    void newStreamsGoToTheNewestBundleVersionUnlessARankingSaysOtherwise() {
        HandlerRegistry registry = new HandlerRegistry();
        StreamHandler old = handler();
        StreamHandler fresh = handler();
        registry.add(old, Map.of(StreamHandler.KIND, "logs", "service.id", 10L), new Version(0, 1, 0, "SNAPSHOT"), 7);
        registry.add(fresh, Map.of(StreamHandler.KIND, "logs", "service.id", 42L), new Version(0, 2, 0), 9);
        assertSame(fresh, registry.find("logs"), "the upgraded version takes new streams while the old one drains");
        assertEquals(java.util.List.of(old), registry.of(7), "the old bundle's handlers, whose streams are drained");
        registry.remove(fresh);
        assertSame(old, registry.find("logs"), "a rolled-back upgrade leaves the old one serving");

        StreamHandler ranked = handler();
        registry.add(fresh, Map.of(StreamHandler.KIND, "logs", "service.id", 42L), new Version(0, 2, 0), 9);
        registry.add(ranked, Map.of(StreamHandler.KIND, "logs", "service.id", 50L, "service.ranking", 5),
                new Version(0, 0, 1), 11);
        assertSame(ranked, registry.find("logs"));
    }

    @Test
    void sameVersionTheOlderServiceWinsAsBefore() {
        HandlerRegistry registry = new HandlerRegistry();
        StreamHandler first = handler();
        registry.add(first, Map.of(StreamHandler.KIND, "exec", "service.id", 3L));
        registry.add(handler(), Map.of(StreamHandler.KIND, "exec", "service.id", 4L));
        assertSame(first, registry.find("exec"));
    }
}
