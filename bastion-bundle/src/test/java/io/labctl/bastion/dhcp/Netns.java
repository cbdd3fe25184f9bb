package io.labctl.bastion.dhcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Test helper: runs commands, and creates veth pairs / namespaces that it always removes again. */
final class Netns implements AutoCloseable {
    record Result(int exit, String out) {
    }

    private final List<String> namespaces = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    /** Short and unique per run: interface names are limited to 15 characters. */
    final String id = Long.toString(ProcessHandle.current().pid() % 100000, 36);

    static Result run(long timeoutSec, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.isAlive() ? -1 : p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    static void must(String... cmd) {
        Result r = run(20, cmd);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit + "): " + r.out);
        }
    }

    /** Skips (not fails) the calling test class when we are not root or lack the tools. */
    static void assumeUsable(String... tools) {
        Result id = run(5, "id", "-u");
        Assumptions.assumeTrue(id.exit == 0 && id.out.trim().equals("0"), "needs root for network namespaces and port 67");
        for (String t : tools) {
            Assumptions.assumeTrue(run(5, "sh", "-c", "command -v " + t).exit == 0, t + " is not installed");
        }
        String probe = "lprobe" + ProcessHandle.current().pid() % 100000;
        Result add = run(10, "ip", "netns", "add", probe);
        run(10, "ip", "netns", "del", probe);
        Assumptions.assumeTrue(add.exit == 0, "'ip netns add' does not work here: " + add.out);
    }

    String namespace(String prefix) {
        String ns = prefix + id;
        run(10, "ip", "netns", "del", ns); // leftovers of an earlier crashed run with the same pid
        must("ip", "netns", "add", ns);
        namespaces.add(ns);
        must("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** veth pair: {@code hostIf} stays here with {@code hostCidr}; {@code peerIf} moves into {@code ns} (null: stays). */
    void veth(String hostIf, String hostCidr, String peerIf, String ns, String peerMac) {
        run(10, "ip", "link", "del", hostIf);
        must("ip", "link", "add", hostIf, "type", "veth", "peer", "name", peerIf);
        links.add(hostIf);
        if (hostCidr != null) {
            must("ip", "addr", "add", hostCidr, "dev", hostIf);
        }
        must("ip", "link", "set", hostIf, "up");
        if (peerMac != null) {
            must("ip", "link", "set", peerIf, "address", peerMac);
        }
        if (ns != null) {
            must("ip", "link", "set", peerIf, "netns", ns);
            must("ip", "-n", ns, "link", "set", peerIf, "up");
        } else {
            must("ip", "link", "set", peerIf, "up");
        }
    }

    /** A udhcpc hook script that just prints what it was given (and never configures anything). */
    static Path udhcpcScript(Path dir) throws IOException {
        Path script = dir.resolve("udhcpc-print.sh");
        Files.writeString(script, "#!/bin/sh\n"
                + "case \"$1\" in bound|renew) echo \"LEASE ip=$ip subnet=$subnet router=$router dns=$dns serverid=$serverid"
                + " lease=$lease siaddr=$siaddr boot_file=$boot_file\";; esac\n");
        script.toFile().setExecutable(true);
        return script;
    }

    @Override
    public void close() {
        for (String l : links) {
            run(10, "ip", "link", "del", l);
        }
        for (String ns : namespaces) {
            run(10, "ip", "netns", "del", ns);
        }
    }
}
