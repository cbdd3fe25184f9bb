package io.labctl.agent.core.internal;

import java.lang.annotation.Annotation;

/** Test helper: AgentConfig values without a configuration admin. */
final class TestConfigs {
    private TestConfigs() {}

    static AgentConfig config(String serverUrl, String token, String tokenFile, String name, String identityDir,
                              int heartbeatSeconds, long reconnectMinMillis, long reconnectMaxMillis) {
        return new AgentConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AgentConfig.class;
            }

            @Override
            public String serverUrl() {
                return serverUrl;
            }

            @Override
            public String token() {
                return token;
            }

            @Override
            public String tokenFile() {
                return tokenFile;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String identityDir() {
                return identityDir;
            }

            @Override
            public int heartbeatSeconds() {
                return heartbeatSeconds;
            }

            @Override
            public long reconnectMinMillis() {
                return reconnectMinMillis;
            }

            @Override
            public long reconnectMaxMillis() {
                return reconnectMaxMillis;
            }
        };
    }
}
