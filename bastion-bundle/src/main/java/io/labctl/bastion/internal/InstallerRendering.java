package io.labctl.bastion.internal;

import io.labctl.bastion.boot.InstallerFiles;
import io.labctl.bastion.install.AgentInstallerRenderer;
import io.labctl.bastion.install.DiskChoice;
import io.labctl.bastion.install.InstallContext;
import io.labctl.bastion.install.InstallMode;
import io.labctl.bastion.install.KickstartRenderer;
import io.labctl.bastion.install.PreseedRenderer;
import io.labctl.bastion.install.Role;
import io.labctl.bastion.install.TargetDisk;
import io.labctl.protocol.provision.InstallerGrant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Installer files from a grant and the disks the machine reported ({@code disk.N.id|name|size|removable|rotational}
 * facts, sent by the discovery inventory). The target is the plan's disk, or the first non-removable one reported.
 */
final class InstallerRendering implements InstallerFiles {
    private final String bastionUrl;
    private final Path agentDistribution;
    private final Optional<String> sshAuthorizedKey;
    private volatile String agentSha256;
    private volatile long agentStamp;

    InstallerRendering(String bastionUrl, Path agentDistribution, Optional<String> sshAuthorizedKey) {
        this.bastionUrl = bastionUrl;
        this.agentDistribution = agentDistribution;
        this.sshAuthorizedKey = sshAuthorizedKey;
    }

    @Override
    public String preseed(InstallerGrant grant) {
        return render(grant, PreseedRenderer::render);
    }

    @Override
    public String kickstart(InstallerGrant grant) {
        return render(grant, KickstartRenderer::render);
    }

    @Override
    public String agentInstaller(InstallerGrant grant) {
        String sha = agentSha256();
        return render(grant, ctx -> AgentInstallerRenderer.render(ctx, sha));
    }

    @Override
    public String reprovisionEarlyScript(InstallerGrant grant) {
        if (!"reprovision".equals(grant.mode())) {
            throw new RenderException(grant.mac() + " is planned for a fresh install, which has no reprovision script", null);
        }
        return render(grant, PreseedRenderer::renderReprovisionEarlyScript);
    }

    private String render(InstallerGrant grant, Function<InstallContext, String> renderer) {
        try {
            Role role = Role.parse(grant.role());
            InstallContext.Builder b = InstallContext.builder().mac(grant.mac()).hostname(grant.hostname()).role(role)
                    .mode("reprovision".equals(grant.mode()) ? InstallMode.REPROVISION : InstallMode.INSTALL)
                    .disk(DiskChoice.choose(reportedDisks(grant), Optional.ofNullable(grant.disk()), role))
                    .bastionUrl(bastionUrl).labdUrl(grant.labdUrl()).joinToken(grant.joinToken()).timezone("UTC");
            sshAuthorizedKey.ifPresent(b::sshAuthorizedKey);
            return renderer.apply(b.build());
        } catch (IllegalArgumentException e) { // InstallConfigException is one
            throw new RenderException("cannot render the installer of " + grant.mac() + ": " + e.getMessage(), e);
        }
    }

    /** The disks in the machine's inventory, in the order it reported them. */
    static List<TargetDisk> reportedDisks(InstallerGrant grant) {
        List<TargetDisk> disks = new ArrayList<>();
        Map<String, String> facts = grant.facts() == null ? Map.of() : grant.facts();
        for (int i = 0; i < 64 && facts.containsKey("disk." + i + ".id"); i++) {
            String p = "disk." + i + ".";
            try {
                disks.add(new TargetDisk(facts.get(p + "id"), facts.getOrDefault(p + "name", "unknown"),
                        Long.parseLong(facts.getOrDefault(p + "size", "0")), "1".equals(facts.get(p + "removable")),
                        "1".equals(facts.get(p + "rotational"))));
            } catch (IllegalArgumentException e) {
                // a disk the machine described badly is not a candidate; the others still are
            }
        }
        if (disks.isEmpty()) {
            throw new RenderException("no disk inventory from " + grant.mac()
                    + ": it reports its disks when it boots into discovery; power-cycle it and let it boot over PXE", null);
        }
        return disks;
    }

    /** SHA-256 of the agent distribution, recomputed when the file changes (the installer checks it). */
    private String agentSha256() {
        if (agentDistribution == null || !Files.isRegularFile(agentDistribution)) {
            throw new RenderException("this bastion has no agent distribution (agentDistribution in"
                    + " etc/io.labctl.bastion.cfg): installed machines could not enrol", null);
        }
        try {
            long stamp = Files.getLastModifiedTime(agentDistribution).toMillis() ^ Files.size(agentDistribution);
            if (agentSha256 == null || stamp != agentStamp) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                try (InputStream in = new DigestInputStream(Files.newInputStream(agentDistribution), sha)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                agentSha256 = HexFormat.of().formatHex(sha.digest());
                agentStamp = stamp;
            }
            return agentSha256;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new RenderException("cannot read the agent distribution " + agentDistribution + ": " + e.getMessage(), e);
        }
    }
}
