package io.labctl.shell;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One short id per shell session, so the audit log groups a session's rows as it groups a CLI invocation's. Kept
 * here rather than in a session variable, which the shell user could overwrite.
 */
final class ShellSessions {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<Object, String> IDS = Collections.synchronizedMap(new WeakHashMap<>());

    private ShellSessions() {}

    /** The session's id; a fresh one when there is no session (a command run outside a console). */
    static String idOf(Object session) {
        return session == null ? newId() : IDS.computeIfAbsent(session, s -> newId());
    }

    private static String newId() {
        byte[] b = new byte[5];
        RANDOM.nextBytes(b);
        return "sh-" + HexFormat.of().formatHex(b);
    }
}
