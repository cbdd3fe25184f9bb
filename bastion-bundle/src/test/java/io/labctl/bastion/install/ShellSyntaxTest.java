package io.labctl.bastion.install;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** bash -n / sh -n (and shellcheck when installed) on every rendered shell fragment. */
class ShellSyntaxTest {
    @TempDir
    Path tmp;

    private static String exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timeout";
        }
        return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }

    private static boolean shellcheckAvailable() {
        try {
            return new ProcessBuilder("shellcheck", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** The kickstart %post body. */
    static String kickstartPost(String ks) {
        int i = ks.indexOf("%post");
        int body = ks.indexOf('\n', i) + 1;
        return "#!/bin/bash\n" + ks.substring(body, ks.indexOf("%end", body));
    }

    /** A debconf string value with backslash continuations, joined as debconf does. */
    static String preseedValue(String ps, String question) {
        int i = ps.indexOf("d-i " + question + " string ");
        StringBuilder v = new StringBuilder();
        for (String line : ps.substring(i + ("d-i " + question + " string ").length()).split("\n")) {
            if (line.endsWith("\\")) {
                v.append(line, 0, line.length() - 1);
            } else {
                v.append(line);
                break;
            }
        }
        return "#!/bin/sh\n" + v + "\n";
    }

    private void check(String name, String shell, String text, boolean shellcheck) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        assertEquals("", exec(List.of(shell, "-n", f.toString())), name + "\n" + text);
        if (shellcheck && shellcheckAvailable()) {
            List<String> cmd = new ArrayList<>(List.of("shellcheck", "-s", shell.equals("sh") ? "sh" : "bash",
                    "-S", "warning", f.toString()));
            assertEquals("", exec(cmd), name);
        }
    }

    @ParameterizedTest
    @EnumSource(InstallMode.class)
    void renderedShellParses(InstallMode mode) throws Exception {
        for (Role role : Role.values()) {
            InstallContext ctx = Fixtures.ctx(role, mode);
            String id = role.id() + "-" + mode;
            check("ks-post-" + id, "bash", kickstartPost(KickstartRenderer.render(ctx)), true);
            String ps = PreseedRenderer.render(ctx);
            check("late-" + id, "sh", preseedValue(ps, "preseed/late_command"), true);
            if (mode == InstallMode.REPROVISION) {
                check("early-cmd-" + id, "sh", preseedValue(ps, "partman/early_command"), true);
                String early = PreseedRenderer.renderReprovisionEarlyScript(ctx);
                check("early-" + id, "sh", early, true);
                String hook = early.substring(early.indexOf("<<'LABCTL_HOOK'\n") + 15, early.indexOf("LABCTL_HOOK\n"));
                check("hook-" + id, "sh", hook, false);
            }
            check("agent-" + id, "bash", AgentInstallerRenderer.render(ctx, "0".repeat(64)), true);
        }
    }
}
