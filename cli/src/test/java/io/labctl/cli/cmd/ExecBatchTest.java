package io.labctl.cli.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExecBatchTest {
    @Test
    void batchSizes() {
        assertEquals(10, ExecCommand.Batch.ALL.parallel(10));
        assertEquals(64, ExecCommand.Batch.ALL.parallel(500), "all at once is capped");
        assertEquals(1, ExecCommand.Batch.ALL.parallel(0));
        assertEquals(1, new ExecCommand.Batch(10, true).parallel(5), "10% of 5 rounds up to 1");
        assertEquals(3, new ExecCommand.Batch(25, true).parallel(9));
        assertEquals(7, new ExecCommand.Batch(7, false).parallel(100));
        assertEquals(64, new ExecCommand.Batch(1000, false).parallel(2000));
    }
}
