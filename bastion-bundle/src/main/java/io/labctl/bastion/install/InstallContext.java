package io.labctl.bastion.install;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to render the installer files of one machine. The canonical constructor
 * validates (whitelists) and normalises every field; see {@link Validation} for the reject-don't-escape
 * policy. {@link #toString()} redacts the join token.
 *
 * @param mac boot MAC, normalised to lower-case aa:bb:cc:dd:ee:ff
 * @param hostname RFC 1123 label or FQDN, lower case
 * @param role machine role
 * @param mode install or reprovision
 * @param disk the target disk (see {@link DiskChoice}); must be large enough for the role's layout
 * @param bastionUrl http(s) base URL of the bastion, e.g. http://10.78.0.1:8080 (no trailing '/')
 * @param labdUrl https URL of labd
 * @param joinToken one-time join token (secret)
 * @param timezone IANA zone, default UTC
 * @param sshAuthorizedKey optional public key line for root
 */
public record InstallContext(String mac, String hostname, Role role, InstallMode mode, TargetDisk disk,
        String bastionUrl, String labdUrl, String joinToken, String timezone, Optional<String> sshAuthorizedKey) {

    public InstallContext {
        mac = Validation.mac(mac);
        hostname = Validation.hostname(hostname);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(disk, "disk");
        bastionUrl = Validation.url(bastionUrl, "bastion URL", false);
        labdUrl = Validation.url(labdUrl, "labd URL", true);
        joinToken = Validation.token(joinToken);
        timezone = Validation.timezone(timezone == null ? "UTC" : timezone);
        sshAuthorizedKey = Objects.requireNonNullElse(sshAuthorizedKey, Optional.<String>empty()).map(Validation::sshKey);
        DiskLayout layout = DiskLayout.forRole(role);
        if (disk.sizeBytes() < layout.minimumDiskBytes()) {
            throw new InstallConfigException("disk " + disk.describe() + " is too small for role " + role.id()
                    + ": the layout needs at least " + layout.minimumDiskMiB() + " MiB");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public DiskLayout layout() {
        return DiskLayout.forRole(role);
    }

    /** MAC with '-' separators, as used in bastion URLs: 52-54-00-12-34-56. */
    public String macHyphens() {
        return mac.replace(':', '-');
    }

    /** First label of the host name. */
    public String shortHostname() {
        int dot = hostname.indexOf('.');
        return dot < 0 ? hostname : hostname.substring(0, dot);
    }

    /** Domain part of the host name, empty for a single label. */
    public String domain() {
        int dot = hostname.indexOf('.');
        return dot < 0 ? "" : hostname.substring(dot + 1);
    }

    /** Per-host base: {bastion}/provision/{mac-with-hyphens}. */
    public String provisionBaseUrl() {
        return bastionUrl + "/provision/" + macHyphens();
    }

    /** Where the bastion serves this host's rendered agent installer. */
    public String agentInstallerUrl() {
        return provisionBaseUrl() + "/agent-install.sh";
    }

    /** Where the bastion serves the preseed reprovision early script. */
    public String reprovisionEarlyScriptUrl() {
        return provisionBaseUrl() + "/reprovision-early.sh";
    }

    /** POST target reporting a successful install. */
    public String installedUrl() {
        return provisionBaseUrl() + "/installed";
    }

    /** The agent tarball. */
    public String agentTarballUrl() {
        return bastionUrl + "/agent/lab-agent.tar.gz";
    }

    @Override
    public String toString() {
        return "InstallContext[mac=" + mac + ", hostname=" + hostname + ", role=" + role + ", mode=" + mode + ", disk="
                + disk.byIdPath() + ", bastionUrl=" + bastionUrl + ", labdUrl=" + labdUrl
                + ", joinToken=<redacted>, timezone=" + timezone + ", sshAuthorizedKey="
                + (sshAuthorizedKey.isPresent() ? "<set>" : "<none>") + "]";
    }

    /** Convenience builder; validation happens in {@link #build()}. */
    public static final class Builder {
        private String mac;
        private String hostname;
        private Role role;
        private InstallMode mode = InstallMode.INSTALL;
        private TargetDisk disk;
        private String bastionUrl;
        private String labdUrl;
        private String joinToken;
        private String timezone = "UTC";
        private String sshAuthorizedKey;

        public Builder mac(String v) { mac = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder role(Role v) { role = v; return this; }
        public Builder mode(InstallMode v) { mode = v; return this; }
        public Builder disk(TargetDisk v) { disk = v; return this; }
        public Builder bastionUrl(String v) { bastionUrl = v; return this; }
        public Builder labdUrl(String v) { labdUrl = v; return this; }
        public Builder joinToken(String v) { joinToken = v; return this; }
        public Builder timezone(String v) { timezone = v; return this; }
        public Builder sshAuthorizedKey(String v) { sshAuthorizedKey = v; return this; }

        public InstallContext build() {
            return new InstallContext(mac, hostname, role, mode, disk, bastionUrl, labdUrl, joinToken, timezone,
                    Optional.ofNullable(sshAuthorizedKey));
        }
    }
}
