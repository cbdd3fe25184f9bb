package io.labctl.cli.render;

import io.labctl.protocol.exec.RecordingInfo;
import java.time.Instant;
import java.util.List;

/** Recorded exec sessions as {@code get recordings} shows them. */
public final class RecordingPrinter {
    private RecordingPrinter() {}

    public static String table(List<RecordingInfo> recordings, Instant now) {
        Table t = new Table("ID", "SERVER", "USER", "AGE", "BYTES", "COMMAND");
        for (RecordingInfo r : recordings) {
            t.row(r.id(), r.server(), r.user(), Times.age(r.startedAt(), now),
                    r.bytes() + (r.truncated() ? " (cut)" : ""), r.command());
        }
        return t.render();
    }
}
