package io.labctl.web.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Permission;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every user stream this labd holds open (exec, logs, any later one), re-decided as a whole a few times a second:
 * a stream whose certificate is now revoked, or whose user may no longer do what opened it, is ended. Re-deciding is
 * cheap: the revoked serials and the compiled access rules are both in memory (the CA and the access control keep
 * them current, from local changes at once and from other instances' changes through their database polls), so a
 * full pass costs a hash lookup and a rule-tree walk per stream, and needs no change notification of its own.
 */
final class OpenUserStreams {
    private static final Logger LOG = LoggerFactory.getLogger(OpenUserStreams.class);
    /** A WebSocket close reason is at most 123 bytes of UTF-8. */
    static final int MAX_CLOSE_REASON_BYTES = 123;

    /** What ends one stream: its session writes the closing audit row, its socket tells the client. */
    interface Ending {
        void end(String auditDetail, String clientMessage);
    }

    /**
     * One open stream: who opened it with which certificate, the permission that allowed it, the endpoint's own
     * conditions (each null while it holds, else why not; the list may grow while the stream is open) and how to
     * end it.
     */
    record Watched(Identity identity, BigInteger serial, Permission permission, List<Supplier<String>> conditions,
                   Ending ending) {
        Watched(Identity identity, BigInteger serial, Permission permission, Ending ending) {
            this(identity, serial, permission, List.of(), ending);
        }

        /** One stream is one entry: two streams of the same user are two, and a growing list changes nothing. */
        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private final Set<Watched> open = ConcurrentHashMap.newKeySet();
    private final CertificateAuthority ca;
    private final Supplier<AccessDecisions> access;

    OpenUserStreams(CertificateAuthority ca, Supplier<AccessDecisions> access) {
        this.ca = ca;
        this.access = access;
    }

    void add(Watched stream) {
        open.add(stream);
    }

    void remove(Watched stream) {
        open.remove(stream);
    }

    int size() {
        return open.size();
    }

    /** Ends every stream that would not be allowed now. Never throws: it runs on a schedule. */
    void recheck() {
        AccessDecisions rules = access.get();
        for (Watched stream : open) {
            try {
                String why = whyEnd(stream, rules);
                if (why != null && open.remove(stream)) {
                    Guards.SECURITY_LOG.warn("ending {}'s open stream ({}): {}", stream.identity(),
                            stream.permission(), why);
                    stream.ending().end("ended by labd: " + why, clientMessage(stream, why));
                }
            } catch (RuntimeException e) {
                LOG.warn("re-checking the open stream of {} failed: {}", stream.identity(), e.toString());
            }
        }
    }

    /** Null while the stream is still allowed; otherwise why not, for the audit row. Deny by default. */
    String whyEnd(Watched stream, AccessDecisions rules) {
        if (ca.isRevoked(stream.serial())) {
            return "access revoked: certificate " + stream.serial().toString(16) + " was revoked";
        }
        if (rules == null) {
            return "access control is not running, so the stream cannot be re-checked";
        }
        Decision decision = rules.decide(stream.identity(), stream.permission());
        if (!decision.allowed()) {
            return "access withdrawn: " + stream.identity().name() + " may no longer " + stream.permission().action()
                    + " on " + stream.permission().server() + " (" + decision.reason() + ")";
        }
        for (Supplier<String> condition : stream.conditions()) {
            String why;
            try {
                why = condition.get();
            } catch (RuntimeException e) {
                why = "the endpoint's own check failed (" + e + ")";  // cannot tell it still holds: deny
            }
            if (why != null) {
                return "access narrowed: " + why;
            }
        }
        return null;
    }

    /** Short enough for a close reason, and says what to do; the audit row carries the full decision. */
    static String clientMessage(Watched stream, String why) {
        String message = why.startsWith("access revoked")
                ? "your access was revoked (certificate revoked); ask an admin for new credentials"
                : why.startsWith("access withdrawn") ? "your access was withdrawn: you may no longer "
                + stream.permission().action() + " on " + stream.permission().server() + "; ask an admin"
                : why.startsWith("access narrowed") ? "your access was narrowed: this " + stream.permission().action()
                + " on " + stream.permission().server() + " is no longer allowed; ask an admin"
                : "labd cannot re-check your access now; try again later";
        return fit(message, MAX_CLOSE_REASON_BYTES);
    }

    /** Cuts at a character boundary so that the UTF-8 form fits. */
    static String fit(String text, int maxBytes) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            return text;
        }
        int end = text.length();
        while (end > 0 && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > maxBytes - 3) {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }
}
