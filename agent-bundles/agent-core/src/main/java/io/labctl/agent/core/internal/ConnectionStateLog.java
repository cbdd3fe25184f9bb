package io.labctl.agent.core.internal;

import org.slf4j.Logger;

/**
 * Logs the connection's state changes at INFO, once each: while labd stays down, repeated failures with the same
 * reason go to DEBUG, so a long outage does not flood the log.
 */
final class ConnectionStateLog {
    private final Logger log;
    private boolean connected;
    private String lastFailure;

    ConnectionStateLog(Logger log) {
        this.log = log;
    }

    synchronized void connected(String what) {
        connected = true;
        lastFailure = null;
        log.info("{}", what);
    }

    synchronized void disconnected(String what) {
        if (connected) {
            log.info("{}", what);
        }
        connected = false;
    }

    /** Disconnected, and the caller logs it in its own words. */
    synchronized void disconnectedWithoutLog() {
        connected = false;
        lastFailure = null;
    }

    /** An attempt failed; logged at INFO only when the reason is new. Returns whether it was logged at INFO. */
    synchronized boolean attemptFailed(String reason, long retryInMillis) {
        connected = false;
        if (reason.equals(lastFailure)) {
            log.debug("still cannot reach labd: {}; retrying in {} ms", reason, retryInMillis);
            return false;
        }
        lastFailure = reason;
        log.info("{}; retrying (next in {} s, then backing off)", reason, Math.max(1, retryInMillis / 1000));
        return true;
    }
}
