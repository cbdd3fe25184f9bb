package io.labctl.api.provision;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.protocol.provision.BastionEvent;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the bastions saw and did for booting machines, kept by labd per environment with a retention bound
 * ({@code labctl logs bastion/ENV}). Bastions report in batches; readers need {@code read} on the whole environment
 * ({@code read:baremetal:ENV:*}). Errors are {@link ApiException}s that say what to do instead.
 */
@ProviderType
public interface BastionEvents {

    /** Stores a bastion's report (bounds checked: batch size, kinds, detail length, MACs); 400 for a bad one. */
    void record(String bastion, String environment, BastionEvent.Batch batch);

    /**
     * The last {@code limit} events of the environment's bastions from {@code since} on (null: all kept), of one MAC
     * when mac is given, oldest first. 403 without read on the environment, 404 when no bastion ever reported in it,
     * 400 for a bad MAC or limit.
     */
    List<BastionEvent> read(Identity caller, String environment, String mac, Instant since, int limit);

    /**
     * Follows the environment's events: checks as {@link #read} does (and throws as it does) before anything is
     * written, then hands {@code sink} each new event as it is stored, until the sink answers false, the caller loses
     * read on the environment, or the thread is interrupted. {@code idle} is called between quiet polls (a keep-alive
     * line) and ends the follow when it answers false.
     */
    Follow follow(Identity caller, String environment, String mac);

    /** A follow admitted by {@link #follow}: {@link #run} writes it. */
    interface Follow {
        void run(Predicate<BastionEvent> sink, java.util.function.BooleanSupplier idle);
    }
}
