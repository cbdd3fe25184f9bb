package io.labctl.exec.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.api.ApiException;
import io.labctl.protocol.Json;
import io.labctl.protocol.exec.ExecRequest;
import io.labctl.protocol.exec.Recording;
import io.labctl.protocol.exec.RecordingInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The folder of session recordings: one asciinema v2 file per recorded exec session, named by its id, readable by
 * labd's user only. The file's header line carries what {@link RecordingInfo} shows (asciinema ignores extra keys).
 */
final class Recordings {
    static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[a-z0-9.-]{1,253}-[0-9a-f]{8}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final long maxBytes;

    Recordings(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /** Starts recording a session: the file exists (0600) from here on. */
    SessionRecorder start(String server, String user, ExecRequest request, Instant now) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        String id = STAMP.format(now) + "-" + server + "-" + HexFormat.of().formatHex(random);
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = directory.resolve(id + ".cast");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            return new SessionRecorder(id, file, server, user, request, now, maxBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a session recording in " + directory, e);
        }
    }

    List<RecordingInfo> list() {
        List<RecordingInfo> out = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.cast")) {
            for (Path f : files) {
                info(f).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw ApiException.unavailable("recordings-unreadable", "cannot read " + directory + ": " + e.getMessage());
        }
        out.sort(Comparator.comparing(RecordingInfo::startedAt).reversed());
        return out;
    }

    Recording get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("invalid-recording-id", "'" + id + "' is not a recording id; see 'labctl get recordings'");
        }
        Path file = directory.resolve(id + ".cast");
        RecordingInfo info = info(file).orElseThrow(() -> ApiException.notFound("recording-not-found",
                "no recording " + id + "; see 'labctl get recordings'"));
        try {
            return new Recording(info, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApiException.unavailable("recording-unreadable", "cannot read recording " + id + ": " + e.getMessage());
        }
    }

    /** The truncation note is the last event of a cut recording: read the file's tail only, not the whole of it. */
    private static boolean endsTruncated(Path file) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "r")) {
            int n = (int) Math.min(f.length(), 256);
            byte[] tail = new byte[n];
            f.seek(f.length() - n);
            f.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).contains(SessionRecorder.TRUNCATED);
        }
    }

    private static java.util.Optional<RecordingInfo> info(Path file) {
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                return java.util.Optional.empty();
            }
            JsonNode h = Json.json().readTree(header);
            JsonNode labctl = h.path("labctl");
            String name = file.getFileName().toString();
            return java.util.Optional.of(new RecordingInfo(name.substring(0, name.length() - ".cast".length()),
                    labctl.path("server").asText(), labctl.path("user").asText(), h.path("command").asText(),
                    Instant.ofEpochSecond(h.path("timestamp").asLong()), Files.size(file), endsTruncated(file)));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
