package io.labctl.protocol.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.labctl.protocol.InvalidInput;
import org.junit.jupiter.api.Test;

/** How many rows an audit query may ask for: the same range for the CLI, the shell and labd. */
class AuditEntryTest {

    @Test
    void aQueryAsksForOneToTenThousandRows() {
        assertEquals(1, AuditEntry.queryLimit(1));
        assertEquals(AuditEntry.MAX_QUERY_ROWS, AuditEntry.queryLimit(AuditEntry.MAX_QUERY_ROWS));
        for (long bad : new long[] {0, -5, AuditEntry.MAX_QUERY_ROWS + 1L, Long.MAX_VALUE}) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> AuditEntry.queryLimit(bad));
            assertEquals("invalid-limit", e.code());
            assertEquals("--limit " + bad + " is out of range: ask for 1 to 10000 rows", e.asFlag());
        }
    }
}
