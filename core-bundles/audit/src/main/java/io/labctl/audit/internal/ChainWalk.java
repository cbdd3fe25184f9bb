package io.labctl.audit.internal;

import io.labctl.protocol.access.AuditVerification;
import org.apache.ibatis.session.ResultContext;
import org.apache.ibatis.session.ResultHandler;

/**
 * Checks rows as they stream in, ordered by instance and seq, and stops at the first broken link. Only the previous
 * row's hash is kept, so the size of the log does not matter.
 */
final class ChainWalk implements ResultHandler<AuditRow> {
    private final String ownInstance;
    private final long ownSeq;
    private final String ownHash;

    private String instance;
    private long expected;
    private String previousHash;
    private boolean ownSeen;
    private long rows;
    private int chains;
    private AuditVerification broken;

    /** ownSeq and ownHash: the last row this labd committed before the walk began. */
    ChainWalk(String ownInstance, long ownSeq, String ownHash) {
        this.ownInstance = ownInstance;
        this.ownSeq = ownSeq;
        this.ownHash = ownHash;
    }

    @Override
    public void handleResult(ResultContext<? extends AuditRow> context) {
        AuditRow r = context.getResultObject();
        if (!r.instance.equals(instance)) {
            if (instance != null && !endChain()) {
                context.stop();
                return;
            }
            instance = r.instance;
            ownSeen |= instance.equals(ownInstance);
            chains++;
            expected = 1;
            previousHash = "";
        }
        if (!check(r)) {
            context.stop();
            return;
        }
        rows++;
        expected = r.seq + 1;
        previousHash = r.hash;
    }

    private boolean check(AuditRow r) {
        if (r.seq != expected) {
            return fail(expected, r.seq == expected + 1 ? "row " + expected + " is missing: deleted"
                    : "rows " + expected + " to " + (r.seq - 1) + " are missing: deleted");
        }
        String prev = r.prevHash == null ? "" : r.prevHash;
        if (!ChainHash.of(prev, r).equals(r.hash)) {
            return fail(r.seq, "row " + r.seq + " was changed");
        }
        if (!prev.equals(previousHash)) {
            // each row is consistent in itself, so one of the two was rewritten with a fresh hash
            return fail(r.seq, "row " + r.seq + " does not link to row " + (r.seq - 1) + ": one of them was changed");
        }
        if (r.instance.equals(ownInstance) && r.seq == ownSeq && !r.hash.equals(ownHash)) {
            return fail(r.seq, "row " + r.seq + " was changed (it is not the row this labd wrote)");
        }
        return true;
    }

    /** The tail of this labd's own chain: rows it committed must still be there. */
    private boolean endChain() {
        long last = expected - 1;
        if (instance.equals(ownInstance) && last < ownSeq) {
            return fail(last + 1, "rows after " + last + " are missing: deleted");
        }
        return true;
    }

    private boolean fail(long seq, String problem) {
        broken = new AuditVerification(false, rows, chains, instance, seq, problem);
        return false;
    }

    AuditVerification result() {
        if (broken != null) {
            return broken;
        }
        if (instance != null && !endChain()) {
            return broken;
        }
        if (!ownSeen && ownSeq > 0) {
            return new AuditVerification(false, rows, chains, ownInstance, 1L, "rows after 0 are missing: deleted");
        }
        return new AuditVerification(true, rows, chains, null, null, null);
    }
}
