package io.labctl.bastion.install;

import java.util.Map;

/**
 * Renders {@code lab-agent-install.sh} for one host (served by the bastion at
 * {@link InstallContext#agentInstallerUrl()}). The output contains the join token: serve it only to the
 * host's install and never log it.
 */
public final class AgentInstallerRenderer {
    private static final String TEMPLATE = "lab-agent-install.sh.tmpl";

    private AgentInstallerRenderer() {
    }

    /**
     * @param ctx the host
     * @param tarballSha256 SHA-256 (hex) of {@code <bastion>/agent/lab-agent.tar.gz}
     */
    public static String render(InstallContext ctx, String tarballSha256) {
        String sha = Validation.sha256(tarballSha256);
        return Template.resource(TEMPLATE).render(Map.of(
                "hostname", ctx.hostname(),
                "mac", ctx.mac(),
                "tarballUrl", ctx.agentTarballUrl(),
                "tarballSha256", sha,
                "labdUrl", ctx.labdUrl(),
                "joinToken", ctx.joinToken()));
    }
}
