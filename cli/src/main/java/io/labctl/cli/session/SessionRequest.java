package io.labctl.cli.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client hands the session for one invocation: its arguments, the environment labctl reads (the LABCTL_
 * variables only), its home and working directory, and whether its stdin is a terminal.
 */
record SessionRequest(List<String> args, Map<String, String> env, String home, String workingDir,
        boolean stdinTerminal) {
    /** Bumped when the encoding changes; a session answers a request of another version with RUN_LOCALLY. */
    static final int VERSION = 1;
    static final String ENV_PREFIX = "LABCTL_";

    SessionRequest {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** The variables of {@code all} that labctl reads. */
    static Map<String, String> labctlEnv(Map<String, String> all) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : all.entrySet()) {  // no lambda: the client's start-up counts
            if (e.getKey().startsWith(ENV_PREFIX)) {
                env.put(e.getKey(), e.getValue());
            }
        }
        return env;
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(VERSION);
            writeString(out, home);
            writeString(out, workingDir);
            out.writeBoolean(stdinTerminal);
            out.writeInt(args.size());
            for (String a : args) {
                writeString(out, a);
            }
            out.writeInt(env.size());
            for (Map.Entry<String, String> e : env.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);  // in memory
        }
        return bytes.toByteArray();
    }

    /** @throws IOException if the bytes are not a request of this version */
    static SessionRequest decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("request of version " + version + "; this session speaks " + VERSION);
        }
        String home = readString(in);
        String workingDir = readString(in);
        boolean terminal = in.readBoolean();
        int n = count(in);
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            args.add(readString(in));
        }
        int m = count(in);
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) {
            String k = readString(in);
            if (!k.startsWith(ENV_PREFIX)) {
                throw new IOException("environment variable " + k + " is not one labctl reads");
            }
            env.put(k, readString(in));
        }
        if (in.available() > 0) {
            throw new IOException(in.available() + " bytes after the request");
        }
        return new SessionRequest(args, env, home, workingDir, terminal);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        // every entry takes at least 4 bytes, so a count beyond that is a lie, not a reason to allocate
        if (n < 0 || n > in.available() / 4) {
            throw new IOException("malformed request: count " + n);
        }
        return n;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
            throw new IOException("malformed request: string of " + len + " bytes");
        }
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }
}
