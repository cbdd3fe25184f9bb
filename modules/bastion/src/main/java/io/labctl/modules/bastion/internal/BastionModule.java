package io.labctl.modules.bastion.internal;

import io.labctl.module.ArtifactResource;
import io.labctl.module.CommandResource;
import io.labctl.module.CommandResult;
import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.Health;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.PackageResource;
import io.labctl.module.ServiceResource;
import io.labctl.modules.support.InputChecks;
import io.labctl.modules.support.KarafConfig;
import io.labctl.modules.support.PathInputs;
import io.labctl.modules.support.Removal;
import io.labctl.modules.support.SystemdUnit;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/**
 * A standalone bastion laid out as {@code labctl init bastion standalone start} lays it out (see BastionHost in the
 * CLI): under dataDir, {@code agent/} is an unpacked lab-agent with its own identity, {@code join-token} (0600)
 * enrols it with role bastion, {@code lab-agent.tar.gz} is the distribution installed machines download, and the
 * agent boots the lab-agent-bastion feature. Instead of a pid file, a systemd unit runs it.
 */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=bastion")
public final class BastionModule implements ConfigurationModule {
    static final String UNIT = "labctl-bastion.service";
    /** The lab-agent tar.gz's name in labd's repository. */
    static final String DISTRIBUTION = "lab-agent-distribution";
    static final String FEATURE = "lab-agent-bastion";
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");
    private static final Set<String> DHCP_MODES = Set.of("proxy", "full", "off");

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        Inputs in = context.inputs();
        Layout at = new Layout(PathInputs.directory("dataDir", in.string("dataDir")));
        DesiredState state = new DesiredState();

        // files first: they do not depend on the unpacked agent (tar skips them, see unpack)
        DirectoryResource data = new DirectoryResource(at.data).mode(0755);
        DirectoryResource agent = new DirectoryResource(at.agent()).mode(0755);
        DirectoryResource etc = new DirectoryResource(at.etc()).mode(0755);
        state.add(data);
        state.add(agent.requires(data.id()));
        state.add(etc.requires(agent.id()));
        FileResource token = new FileResource(at.joinToken()).content(in.secret("token")).mode(0600);
        state.add(token.requires(data.id()));
        FileResource agentConfig = new FileResource(at.agentConfig()).content(agentConfig(context, at)).mode(0644);
        state.add(agentConfig.requires(etc.id()));
        FileResource bastionConfig = new FileResource(at.bastionConfig()).content(bastionConfig(in, at)).mode(0644);
        state.add(bastionConfig.requires(etc.id()));

        ArtifactResource distribution = new ArtifactResource(at.distribution(), DISTRIBUTION,
                in.string("agentVersion").strip(),
                InputChecks.sha256("agentSha256", in.string("agentSha256"), "the lab-agent distribution")).mode(0644);
        state.add(distribution.requires(data.id()));
        // what it serves: iPXE's boot files (/usr/lib/ipxe, needed to start) and the installer's kernel and initrd
        PackageResource ipxe = new PackageResource("ipxe");
        state.add(ipxe);
        String installer = in.string("installerPackage").strip();
        if (!installer.isEmpty()) {
            state.add(new PackageResource(installer));
        }
        // first install only: an existing agent (and its identity under agent/identity) is never unpacked over
        CommandResource unpack = new CommandResource("unpack-bastion-agent", "tar", "-xzf", at.distribution(),
                "-C", at.agent(), "--strip-components=1", "--skip-old-files", "--no-same-owner")
                .creates(at.agent() + "/bin/lab-agent");
        state.add(unpack.requires(distribution.id(), agentConfig.id(), bastionConfig.id()));
        // the same edit as the CLI's: lab-agent-bastion first in Karaf's featuresBoot list
        CommandResource bootFeature = new CommandResource("boot-bastion-feature", "sed", "-i",
                "s/^featuresBoot = \\\\$/featuresBoot = \\\\\\n    " + FEATURE + ", \\\\/", at.featuresConfig())
                .unless("grep", "-q", "^ *" + FEATURE + ",", at.featuresConfig());
        state.add(bootFeature.requires(unpack.id()));

        state.add(new ServiceResource(UNIT).unitFile(unitFile(at, in.string("javaHome")))
                .enabled(true).running(true)
                .watches(token.id(), agentConfig.id(), bastionConfig.id(), unpack.id(), bootFeature.id())
                .requires(bootFeature.id(), ipxe.id()));
        return state;
    }

    static String agentConfig(ModuleContext context, Layout at) throws ModuleException {
        String name = context.inputs().string("name").strip();
        if (name.isEmpty()) {
            name = "bastion-" + context.facts().hostname().toLowerCase(Locale.ROOT);
        }
        if (!NAME.matcher(name).matches()) {
            throw new ModuleException("input 'name' must be a server name (lower-case letters, digits, '.', '-'),"
                    + " not '" + name + "'");
        }
        String labd = InputChecks.httpsUrl("labdUrl", context.inputs().string("labdUrl"), "https://labd.example.org:8443");
        return new KarafConfig("The standalone bastion's agent: where labd is and who it is. Written by the bastion"
                + "\nconfiguration module: edits are reverted.")
                .set("serverUrl", labd)
                .set("name", name)
                .set("tokenFile", at.joinToken())
                .render();
    }

    static String bastionConfig(Inputs in, Layout at) throws ModuleException {
        String mode = in.string("dhcpMode").strip();
        if (!DHCP_MODES.contains(mode)) {
            throw new ModuleException("input 'dhcpMode' must be proxy, full or off, not '" + mode + "'");
        }
        String address = ipv4("address", in.string("address"));
        String poolStart = in.string("poolStart").strip();
        String poolEnd = in.string("poolEnd").strip();
        if (mode.equals("full") && (poolStart.isEmpty() || poolEnd.isEmpty())) {
            throw new ModuleException("dhcpMode full hands out addresses: give poolStart and poolEnd");
        }
        long port = in.integer("httpPort");
        if (port < 1 || port > 65535) {
            throw new ModuleException("input 'httpPort' must be a port (1-65535), not " + port);
        }
        return new KarafConfig("The standalone bastion. Written by the bastion configuration module: edits are"
                + " reverted.")
                .set("interfaceName", in.string("interface").strip())
                .set("serverAddress", address)
                .set("dhcpMode", mode)
                .set("poolStart", poolStart.isEmpty() ? null : ipv4("poolStart", poolStart))
                .set("poolEnd", poolEnd.isEmpty() ? null : ipv4("poolEnd", poolEnd))
                .set("httpPort", port)
                .set("environment", in.string("environment").strip())
                .set("agentDistribution", at.distribution())
                .render();
    }

    static String unitFile(Layout at, String javaHome) {
        return new SystemdUnit("labctl standalone bastion (PXE)").afterNetwork()
                .service("Type", "simple")
                .service("WorkingDirectory", at.agent())
                .javaHome(javaHome)
                .service("ExecStart", at.agent() + "/bin/lab-agent")
                .service("Restart", "always")
                .service("RestartSec", "5")
                .service("SuccessExitStatus", "143")
                .render();
    }

    private static String ipv4(String input, String value) throws ModuleException {
        var m = IPV4.matcher(value.strip());
        boolean ok = m.matches();
        for (int i = 1; ok && i <= 4; i++) {
            ok = Integer.parseInt(m.group(i)) <= 255;
        }
        if (!ok) {
            throw new ModuleException("input '" + input + "' must be an IPv4 address such as 10.78.0.1, not '"
                    + value + "'");
        }
        return value.strip();
    }

    /** Healthy while systemd has the bastion's unit active (it restarts it when it exits). */
    @Override
    public Health health(ModuleContext context) {
        try {
            CommandResult r = context.run(List.of("systemctl", "is-active", UNIT), Duration.ofSeconds(10));
            return r.exitCode() == 0 ? Health.healthy()
                    : Health.unhealthy(UNIT + " is " + r.stdout().strip() + "; see journalctl -u " + UNIT);
        } catch (IOException e) {
            return Health.unhealthy("cannot ask systemd about " + UNIT + ": " + e.getMessage());
        }
    }

    /** Stops and disables the bastion, removes its unit, configuration and join token; dataDir's state stays. */
    @Override
    public DesiredState removal(ModuleContext context) throws ModuleException {
        Layout at = new Layout(PathInputs.directory("dataDir", context.inputs().string("dataDir")));
        return Removal.of(UNIT, unitFile(at, context.inputs().string("javaHome")), at.agentConfig(),
                at.bastionConfig(), at.joinToken());
    }

    /** Where things are under dataDir (the CLI's standalone layout). */
    record Layout(String data) {
        String agent() { return data + "/agent"; }
        String etc() { return agent() + "/etc"; }
        String agentConfig() { return etc() + "/io.labctl.agent.cfg"; }
        String bastionConfig() { return etc() + "/io.labctl.bastion.cfg"; }
        String featuresConfig() { return etc() + "/org.apache.karaf.features.cfg"; }
        String joinToken() { return data + "/join-token"; }
        String distribution() { return data + "/lab-agent.tar.gz"; }
    }
}
