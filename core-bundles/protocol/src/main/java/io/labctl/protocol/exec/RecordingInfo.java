package io.labctl.protocol.exec;

import java.time.Instant;

/**
 * A recorded exec session (labd records output only when the exec bundle's recordSessions is on): who ran what
 * where, and how much output was kept. The recording is an asciinema v2 file ({@link Recording#cast()}).
 */
public record RecordingInfo(String id, String server, String user, String command, Instant startedAt, long bytes,
                            boolean truncated) {}
