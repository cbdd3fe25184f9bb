package io.labctl.provisioning.internal;

import io.labctl.api.ApiException;
import io.labctl.api.provision.BastionEvents;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.provision.BastionEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bastion events in the provisioning schema, bounded by rows and age (pruned at most once a minute, when a report
 * comes in). A follow polls the table, so events stored by any labd instance reach it; rows are read again for a
 * while after they were stored ({@link #OVERLAP}), because a transaction that began earlier may commit later, and
 * those already sent are skipped by id.
 */
@Component(service = BastionEvents.class, configurationPid = "io.labctl.provisioning.events")
@Designate(ocd = BastionEventsConfig.class)
public class BastionEventStore implements BastionEvents {
    static final String CLOUD = ProvisioningService.CLOUD;
    static final Duration OVERLAP = Duration.ofSeconds(10);
    static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    /** Between two keep-alive lines of a quiet follow: well inside the web's idle timeout (30 s). */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(BastionEventStore.class);

    private final Sessions sessions;
    private final long maxRows;
    private final Duration maxAge;
    private final long pollMillis;
    private volatile Instant lastPrune = Instant.EPOCH;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    @Activate
    public BastionEventStore(@Reference Database database,
                             @Reference(target = "(labctl.schema=provisioning)") Schema schema,
                             BastionEventsConfig config) {
        if (config.maxRows() < 1000) {
            throw new IllegalArgumentException("maxRows must be at least 1000 (one boot is a few dozen events)");
        }
        if (config.maxAgeDays() < 1 || config.maxAgeDays() > 3650) {
            throw new IllegalArgumentException("maxAgeDays must be between 1 and 3650");
        }
        if (config.followPollMillis() < 100 || config.followPollMillis() > 10_000) {
            throw new IllegalArgumentException("followPollMillis must be between 100 and 10000");
        }
        this.sessions = database.sessions(BastionEventMapper.class);
        this.maxRows = config.maxRows();
        this.maxAge = Duration.ofDays(config.maxAgeDays());
        this.pollMillis = config.followPollMillis();
    }

    @Override
    public void record(String bastion, String environment, BastionEvent.Batch batch) {
        String env = name("environment", environment);
        String name = name("bastion", bastion);
        if (batch == null || batch.events() == null) {
            throw ApiException.badRequest("missing-body", "send a batch of events: {\"events\": [...], \"dropped\": N}");
        }
        if (batch.events().size() > BastionEvent.MAX_BATCH) {
            throw ApiException.badRequest("batch-too-large", "a bastion reports at most " + BastionEvent.MAX_BATCH
                    + " events at once, not " + batch.events().size());
        }
        List<BastionEventRow> rows = new ArrayList<>(batch.events().size() + 1);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (BastionEvent e : batch.events()) {
            if (e == null || e.at() == null || e.kind() == null || !BastionEvent.KINDS.contains(e.kind())) {
                throw ApiException.badRequest("invalid-event", "each event needs a time and a kind, one of "
                        + String.join(", ", new java.util.TreeSet<>(BastionEvent.KINDS)));
            }
            rows.add(row(env, name, e.mac() == null ? null : mac(e.mac()), e.at(), now, e.kind(), e.detail()));
        }
        if (batch.dropped() > 0) {
            rows.add(row(env, name, null, now, now, BastionEvent.BASTION, "dropped " + batch.dropped()
                    + " events it could not report in time (labd unreachable, or too many at once)"));
        }
        if (!rows.isEmpty()) {
            sessions.mapper(BastionEventMapper.class, m -> {
                m.insert(rows);
                return null;
            });
        }
        pruneNow(now, false);
    }

    /** Drops rows older than the age bound and beyond the row bound; at most once a minute unless forced. */
    void pruneNow(Instant now, boolean force) {
        if (!force && Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) < 0) {
            return;
        }
        lastPrune = now;
        try {
            int old = sessions.mapper(BastionEventMapper.class, m -> m.deleteReceivedBefore(now.minus(maxAge)));
            Instant cut = sessions.mapper(BastionEventMapper.class, m -> m.receivedAt(maxRows));
            int over = cut == null ? 0 : sessions.mapper(BastionEventMapper.class, m -> m.deleteReceivedUpTo(cut));
            if (old + over > 0) {
                LOG.info("bastion events: removed {} older than {} days and {} beyond {} rows", old, maxAge.toDays(),
                        over, maxRows);
            }
        } catch (RuntimeException e) {
            // the events are kept a little longer, never lost to a failed clean-up
            LOG.warn("bastion events could not be pruned: {}", e.toString());
        }
    }

    @Override
    public List<BastionEvent> read(Identity caller, String environment, String mac, Instant since, int limit) {
        String env = admit(caller, environment);
        String m = mac == null ? null : mac(mac);
        if (limit < 1 || limit > BastionEvent.MAX_LIMIT) {
            throw ApiException.badRequest("invalid-limit", "limit must be from 1 to " + BastionEvent.MAX_LIMIT
                    + ", not " + limit);
        }
        requireKnown(env);
        List<BastionEvent> out = new ArrayList<>(sessions.mapper(BastionEventMapper.class,
                x -> x.newest(env, m, since, limit)).stream().map(BastionEventStore::event).toList());
        Collections.reverse(out);
        return out;
    }

    @Override
    public Follow follow(Identity caller, String environment, String mac) {
        String env = admit(caller, environment);
        String m = mac == null ? null : mac(mac);
        requireKnown(env);
        Permission scope = scope(env);
        // what is stored now counts as sent: a read made after this answers it, or leaves it out on purpose
        Instant from = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<String, Instant> sent = new HashMap<>();
        Instant lower = from.minus(OVERLAP);
        for (BastionEventRow r : sessions.mapper(BastionEventMapper.class,
                x -> x.storedFrom(env, m, lower, BastionEvent.MAX_LIMIT))) {
            sent.put(r.id, r.received);
        }
        return (sink, idle) -> follow(caller, scope, env, m, from, sent, sink, idle);
    }

    private void follow(Identity caller, Permission scope, String env, String mac, Instant start,
                        Map<String, Instant> sent, Predicate<BastionEvent> sink, BooleanSupplier idle) {
        Instant from = start;
        long lastWrite = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            AccessDecisions access = decisions;
            if (access == null || !access.decide(caller, scope).allowed()) {
                LOG.info("follow of bastion/{} by {} ended: read on the environment is gone", env, caller);
                return;
            }
            Instant lower = from.minus(OVERLAP);
            List<BastionEventRow> rows = sessions.mapper(BastionEventMapper.class,
                    x -> x.storedFrom(env, mac, lower, BastionEvent.MAX_LIMIT));
            boolean wrote = false;
            for (BastionEventRow r : rows) {
                if (sent.putIfAbsent(r.id, r.received) != null) {
                    continue;
                }
                if (!sink.test(event(r))) {
                    return;
                }
                wrote = true;
                if (r.received.isAfter(from)) {
                    from = r.received;
                }
            }
            if (!wrote && rows.size() == BastionEvent.MAX_LIMIT) {
                from = rows.get(rows.size() - 1).received.plus(OVERLAP);  // a full window already sent: move on
            }
            Instant keepFrom = from.minus(OVERLAP);
            sent.values().removeIf(at -> at.isBefore(keepFrom));
            if (wrote) {
                lastWrite = System.nanoTime();
            } else if (System.nanoTime() - lastWrite >= KEEP_ALIVE.toNanos()) {
                if (!idle.getAsBoolean()) {
                    return;
                }
                lastWrite = System.nanoTime();
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** read on the whole environment: the bastion's log names every machine booting in it. */
    private String admit(Identity caller, String environment) {
        String env = name("environment", environment);
        AccessDecisions.present(decisions).require(caller, scope(env));
        return env;
    }

    static Permission scope(String environment) {
        return Permission.on(Action.READ, CLOUD, environment, Permission.ANY);
    }

    private void requireKnown(String env) {
        if (!sessions.mapper(BastionEventMapper.class, x -> x.anyIn(env))) {
            throw ApiException.notFound("no-bastion", "no bastion has reported in environment " + env + " (a bastion"
                    + " reports once it starts); a standalone bastion enrols with a token of role bastion for that"
                    + " environment, labd's own bastion takes it from environment in etc/io.labctl.bastion.cfg");
        }
    }

    private static BastionEventRow row(String env, String bastion, String mac, Instant at, Instant received,
                                       String kind, String detail) {
        BastionEventRow r = new BastionEventRow();
        r.id = UUID.randomUUID().toString();
        r.environment = env;
        r.bastion = bastion;
        r.mac = mac;
        r.at = at.truncatedTo(ChronoUnit.MICROS);
        r.received = received;
        r.kind = kind;
        r.detail = BastionEvent.clean(detail);
        return r;
    }

    static BastionEvent event(BastionEventRow r) {
        return new BastionEvent(r.at, r.bastion, r.mac, r.kind, r.detail);
    }

    private static String name(String what, String value) {
        try {
            return Names.require(what, value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-" + what, e.getMessage());
        }
    }

    private static String mac(String mac) {
        return ProvisioningService.mac(mac);
    }
}
