package io.labctl.agent.core.internal;

import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The configuration as the agent uses it: the file's values with the environment's overrides applied, checked,
 * and with defaults filled in. Deliberately has no toString: the token must never reach a log line.
 */
final class AgentSettings {
    static final String ENV_SERVER = "LABCTL_SERVER";
    static final String ENV_TOKEN = "LABCTL_TOKEN";
    static final String ENV_NAME = "LABCTL_NAME";

    private final URI server;
    private final Supplier<String> token;
    private final String name;
    private final Path identityDir;
    private final Duration heartbeat;
    private final long reconnectMinMillis;
    private final long reconnectMaxMillis;

    private AgentSettings(URI server, Supplier<String> token, String name, Path identityDir, Duration heartbeat,
                          long reconnectMinMillis, long reconnectMaxMillis) {
        this.server = server;
        this.token = token;
        this.name = name;
        this.identityDir = identityDir;
        this.heartbeat = heartbeat;
        this.reconnectMinMillis = reconnectMinMillis;
        this.reconnectMaxMillis = reconnectMaxMillis;
    }

    /**
     * @param env          the environment (System::getenv in production)
     * @param hostnameName the default server name
     * @throws IllegalArgumentException with a message an operator can act on
     */
    static AgentSettings resolve(AgentConfig config, Function<String, String> env, Supplier<String> hostnameName) {
        String serverText = firstSet(env.apply(ENV_SERVER), config.serverUrl());
        if (serverText == null) {
            throw new IllegalArgumentException("no labd address configured: set serverUrl in etc/io.labctl.agent.cfg"
                    + " or " + ENV_SERVER + " (for example https://labd.example:8443)");
        }
        URI server = serverUri(serverText.strip());

        String envToken = env.apply(ENV_TOKEN);
        String configToken = config.token();
        String tokenFile = config.tokenFile();
        // read lazily: a token is only needed to enrol, and a token file may be removed after enrolment
        Supplier<String> token = () -> {
            String direct = firstSet(envToken, configToken);
            if (direct != null) {
                return direct.strip();
            }
            if (tokenFile != null && !tokenFile.isBlank()) {
                try {
                    return Files.readString(Path.of(resolveKarafHome(tokenFile.strip()))).strip();
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the join token file " + tokenFile + ": " + e.getMessage());
                }
            }
            return null;
        };

        String name = firstSet(env.apply(ENV_NAME), config.name());
        name = name == null ? hostnameName.get() : name.strip();
        Names.require("server name", name);

        String dir = config.identityDir() == null || config.identityDir().isBlank()
                ? "${karaf.home}/identity" : config.identityDir();
        Path identityDir = Path.of(resolveKarafHome(dir.strip())).toAbsolutePath().normalize();

        int heartbeatSeconds = config.heartbeatSeconds() > 0 ? config.heartbeatSeconds() : 5;
        long min = config.reconnectMinMillis() > 0 ? config.reconnectMinMillis() : 1000;
        long max = Math.max(min, config.reconnectMaxMillis() > 0 ? config.reconnectMaxMillis() : 60000);
        return new AgentSettings(server, token, name, identityDir, Duration.ofSeconds(heartbeatSeconds), min, max);
    }

    static URI serverUri(String text) {
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("labd address '" + text + "' is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("labd address '" + text
                    + "' must be an https:// URL with a host, for example https://labd.example:8443");
        }
        return uri;
    }

    static String resolveKarafHome(String path) {
        return path.replace("${karaf.home}", System.getProperty("karaf.home", "."));
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    URI server() {
        return server;
    }

    /** The REST endpoint at a path of labd's API. */
    URI endpoint(String path) {
        return URI.create(server + path);
    }

    /** The agent socket: the server address with wss instead of https. */
    URI agentSocket() {
        return URI.create("wss" + server.toString().substring("https".length()) + Api.AGENT_SOCKET);
    }

    /** The join token string, or null when none is configured. Never log it. */
    String token() {
        return token.get();
    }

    String name() {
        return name;
    }

    Path identityDir() {
        return identityDir;
    }

    Duration heartbeat() {
        return heartbeat;
    }

    long reconnectMinMillis() {
        return reconnectMinMillis;
    }

    long reconnectMaxMillis() {
        return reconnectMaxMillis;
    }
}
