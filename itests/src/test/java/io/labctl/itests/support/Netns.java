package io.labctl.itests.support;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace as a second host: tests that cross a network (DHCP, PXE) make their own with iproute2 and
 * remove it afterwards. Needs root.
 */
public final class Netns implements AutoCloseable {
    public final String name;
    private final List<String> rootLinks = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    public static boolean available() {
        try {
            return "0".equals(Processes.run(java.nio.file.Path.of("/"), List.of("id", "-u"), Duration.ofSeconds(5))
                    .stdout().strip()) && ip("netns", "list").exitCode() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static Netns create(String name) throws IOException, InterruptedException {
        ip("netns", "del", name);
        must("netns", "add", name);
        Netns ns = new Netns(name);
        ns.in("link", "set", "lo", "up");
        return ns;
    }

    /**
     * A veth pair: rootSide (with rootAddress) in the root namespace, nsSide in this one, with nsAddress or, when
     * null, none (a DHCP client's interface). The namespace side is renamed once inside, so it may be called eth0.
     */
    public void veth(String rootSide, String rootAddress, String nsSide, String nsAddress) throws IOException, InterruptedException {
        ip("link", "del", rootSide);
        String peer = rootSide + "p";
        must("link", "add", rootSide, "type", "veth", "peer", "name", peer);
        rootLinks.add(rootSide);
        must("link", "set", peer, "netns", name);
        in("link", "set", peer, "name", nsSide);
        must("addr", "add", rootAddress, "dev", rootSide);
        must("link", "set", rootSide, "up");
        if (nsAddress != null) {
            in("addr", "add", nsAddress, "dev", nsSide);
        }
        in("link", "set", nsSide, "up");
    }

    /** Runs 'ip' inside this namespace and insists on success. */
    public void in(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("-n", name));
        cmd.addAll(List.of(args));
        must(cmd.toArray(String[]::new));
    }

    /** The command prefixed to run inside this namespace. */
    public List<String> exec(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return cmd;
    }

    private static Processes.Result ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return Processes.run(java.nio.file.Path.of("/"), cmd, Duration.ofSeconds(30));
    }

    private static void must(String... args) throws IOException, InterruptedException {
        Processes.Result r = ip(args);
        if (r.exitCode() != 0) {
            throw new IOException("ip " + String.join(" ", args) + " failed: " + r);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String link : rootLinks) {
            ip("link", "del", link);
        }
        ip("netns", "del", name);
    }
}
