package io.labctl.protocol.exec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to run: the argument vector (never a shell string; run {@code sh -c '...'} explicitly for a shell), whether
 * to run it in a pseudo-terminal, and the terminal's size. Travels as the parameters of the stream's OPEN frame.
 *
 * <p>The exec stream, end to end (CLI ⇄ labd ⇄ agent, the same frames on both hops, labd only renumbers streams):
 * <ul>
 *   <li>CLI → agent: OPEN {kind "exec", params = this, credit}; DATA payloads tagged by their first byte
 *       ({@link #STDIN} input bytes, {@link #RESIZE} then cols and rows as two big-endian shorts); CLOSE = end of
 *       input; CREDIT = more output window; ERROR {"cancelled" or "timeout"} = kill the remote process tree.</li>
 *   <li>agent → CLI: DATA tagged {@link #STDOUT} or {@link #STDERR} (a TTY has only stdout); CREDIT = more input
 *       window; CLOSE {exitCode} when the process has exited and its output is sent; ERROR {code, message}.</li>
 * </ul>
 */
public record ExecRequest(List<String> command, boolean tty, int cols, int rows) {
    public static final String KIND = "exec";
    public static final byte STDIN = 0;
    public static final byte RESIZE = 1;
    public static final byte STDOUT = 1;
    public static final byte STDERR = 2;
    /**
     * Limits a peer cannot exceed: argument count, total argument bytes (UTF-8) and bytes of one argument. Linux takes
     * one argument of up to 128 KiB including its NUL, and an argument vector of about 2 MiB; exec takes 1 MiB.
     */
    public static final int MAX_ARGS = 1024;
    public static final int MAX_ARG_BYTES = 1024 * 1024;
    public static final int MAX_ONE_ARG_BYTES = 128 * 1024 - 1;
    /** What to do instead when a script is too large for the command line. */
    public static final String LARGE_SCRIPT_FIX = "put the script in a file and run that, e.g. pipe it to a shell on "
            + "stdin: labctl exec SERVER -- sh -s < script.sh";
    /** The ERROR codes the CLI sends to end a command early. */
    public static final String CANCELLED = "cancelled";
    public static final String TIMEOUT = "timeout";

    public ExecRequest {
        command = command == null ? List.of() : List.copyOf(command);
    }

    public Map<String, Object> toParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("command", command);
        p.put("tty", tty);
        p.put("cols", cols);
        p.put("rows", rows);
        return p;
    }

    /** Reads and checks OPEN parameters; a clear message for anything a peer got wrong. */
    public static ExecRequest fromParams(Map<String, Object> params) {
        if (params == null || !(params.get("command") instanceof List<?> raw) || raw.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command: a non-empty list of arguments");
        }
        if (raw.size() > MAX_ARGS) {
            throw new IllegalArgumentException("exec takes at most " + MAX_ARGS + " arguments, got " + raw.size());
        }
        List<String> command = new ArrayList<>(raw.size());
        long bytes = 0;
        for (Object o : raw) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("exec arguments must be strings");
            }
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("exec arguments cannot contain NUL bytes");
            }
            int size = s.getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_ONE_ARG_BYTES) {
                throw new IllegalArgumentException("exec argument " + (command.size() + 1) + " is " + size
                        + " bytes; Linux takes at most " + MAX_ONE_ARG_BYTES + " bytes in one argument: " + LARGE_SCRIPT_FIX);
            }
            bytes += size;
            command.add(s);
        }
        if (bytes > MAX_ARG_BYTES) {
            throw new IllegalArgumentException("exec arguments total " + bytes + " bytes; the limit is " + MAX_ARG_BYTES
                    + " (1 MiB): " + LARGE_SCRIPT_FIX);
        }
        boolean tty = Boolean.TRUE.equals(params.get("tty"));
        return new ExecRequest(command, tty, size(params.get("cols"), 80), size(params.get("rows"), 24));
    }

    private static int size(Object v, int fallback) {
        int n = v instanceof Number num ? num.intValue() : fallback;
        return n < 1 || n > 10_000 ? fallback : n;
    }

    /** A DATA payload: the tag byte, then the bytes. */
    public static byte[] tagged(byte tag, byte[] data, int offset, int length) {
        byte[] out = new byte[length + 1];
        out[0] = tag;
        System.arraycopy(data, offset, out, 1, length);
        return out;
    }

    /** A RESIZE payload. */
    public static byte[] resize(int cols, int rows) {
        return new byte[] {RESIZE, (byte) (cols >> 8), (byte) cols, (byte) (rows >> 8), (byte) rows};
    }
}
