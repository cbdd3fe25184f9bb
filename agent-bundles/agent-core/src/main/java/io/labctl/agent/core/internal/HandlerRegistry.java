package io.labctl.agent.core.internal;

import io.labctl.agent.api.StreamHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Version;

/**
 * The stream handler services present right now, by kind. With two handlers for one kind the higher
 * service.ranking wins, then the one from the newer bundle version (a capability upgraded in place: new streams go to
 * the new version while the old one is still there), then the older service.
 */
final class HandlerRegistry {
    record Entry(StreamHandler handler, List<String> kinds, int ranking, long serviceId, Version bundleVersion,
                 long bundleId) {}

    private static final Comparator<Entry> PREFERRED = Comparator.comparingInt(Entry::ranking).reversed()
            .thenComparing(Entry::bundleVersion, Comparator.reverseOrder())
            .thenComparingLong(Entry::serviceId);

    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();

    /** Adds a handler; returns the kinds it serves (empty if its service lacks the kind property). */
    List<String> add(StreamHandler handler, Map<String, ?> properties) {
        return add(handler, properties, Version.emptyVersion, -1);
    }

    /** @param bundleVersion and bundleId: of the bundle that registered the handler */
    List<String> add(StreamHandler handler, Map<String, ?> properties, Version bundleVersion, long bundleId) {
        List<String> kinds = kindsOf(properties.get(StreamHandler.KIND));
        if (!kinds.isEmpty()) {
            entries.add(new Entry(handler, kinds, number(properties.get("service.ranking")).intValue(),
                    number(properties.get("service.id")).longValue(),
                    bundleVersion == null ? Version.emptyVersion : bundleVersion, bundleId));
        }
        return kinds;
    }

    /** Removes a handler; returns the kinds it served. */
    List<String> remove(StreamHandler handler) {
        List<String> kinds = new ArrayList<>();
        for (Entry e : entries) {
            if (e.handler() == handler && entries.remove(e)) {
                kinds.addAll(e.kinds());
            }
        }
        return kinds;
    }

    /** The handlers a bundle registered. */
    List<StreamHandler> of(long bundleId) {
        return entries.stream().filter(e -> e.bundleId() == bundleId).map(Entry::handler).toList();
    }

    StreamHandler find(String kind) {
        return entries.stream().filter(e -> e.kinds().contains(kind)).min(PREFERRED).map(Entry::handler).orElse(null);
    }

    private static List<String> kindsOf(Object value) {
        List<String> kinds = new ArrayList<>();
        if (value instanceof String s) {
            kinds.add(s);
        } else if (value instanceof String[] array) {
            kinds.addAll(List.of(array));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(k -> kinds.add(String.valueOf(k)));
        }
        kinds.removeIf(k -> k == null || k.isBlank());
        return List.copyOf(kinds);
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }
}
