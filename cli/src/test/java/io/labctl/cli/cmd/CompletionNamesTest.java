package io.labctl.cli.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bash script of 'labctl completion bash', run by bash: where a verb takes a module name or a repository entry,
 * the names come from the labctl being completed (here a stand-in that prints fixed names and records what it was
 * asked); everywhere else picocli's completion answers and labctl is not run.
 */
class CompletionNamesTest {
    @TempDir
    Path dir;
    Path script;
    Path labctl;
    Path asked;

    @BeforeEach
    void writeScriptAndStandIn() throws IOException {
        TestCli.Result r = new TestCli(dir.resolve("home")).run("completion", "bash");
        assertEquals(0, r.code(), r.toString());
        script = Files.writeString(dir.resolve("labctl.bash"), r.out());
        asked = dir.resolve("asked");
        labctl = Files.writeString(dir.resolve("labctl"), """
                #!/bin/sh
                echo "$*" >> '%s'
                case "$*" in
                  "modules list -o name") printf 'web\\nk3s-server\\nk3s-agent\\n' ;;
                  "apps list -o name") printf 'postgresql\\nbastion\\n' ;;
                  "repo list -o name") printf 'k3s-server/1.0.0\\nk3s/v1.30.2+k3s1\\nweb/1.1.0\\n' ;;
                esac
                """.formatted(asked));
        Files.setPosixFilePermissions(labctl, PosixFilePermissions.fromString("rwx------"));
    }

    /** The candidates for the last word of the line (the cursor at its end). */
    List<String> complete(String... words) throws Exception {
        StringBuilder array = new StringBuilder("'" + labctl + "'");
        for (String w : words) {
            array.append(" '").append(w).append("'");
        }
        String program = "source '" + script + "' 2>/dev/null\n"
                + "COMP_WORDS=(" + array + "); COMP_CWORD=" + words.length + "; COMP_LINE=\"${COMP_WORDS[*]}\"\n"
                + "_labctl_complete 2>/dev/null\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process bash = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash finished");
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.exitValue(), out);
        return out.lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    List<String> asked() throws IOException {
        return Files.exists(asked) ? Files.readAllLines(asked) : List.of();
    }

    @Test
    void theModulesVerbsCompleteModuleNamesAskedOfLabd() throws Exception {
        assertEquals(List.of("k3s-agent", "k3s-server"), complete("modules", "apply", "k3s"));
        assertEquals(List.of("modules list -o name"), asked());
        for (String verb : List.of("status", "history", "rollback", "remove")) {
            assertEquals(List.of("k3s-agent", "k3s-server", "web"), complete("modules", verb, ""), verb);
        }
        assertEquals(List.of("web"), complete("module", "remove", "-l", "role=web", "w"), "after an option and its value");
        assertEquals(List.of("web"), complete("--context", "prod", "modules", "history", "w"), "after a global option");
    }

    @Test
    void theAppsVerbsCompleteAppNamesAskedOfLabd() throws Exception {
        for (String verb : List.of("install", "status", "upgrade", "history", "rollback", "uninstall")) {
            assertEquals(List.of("postgresql"), complete("apps", verb, "p"), verb);
        }
        assertEquals(List.of("bastion"), complete("app", "status", "--env", "lab", "b"), "after --env and its value");
        assertTrue(complete("apps", "install", "--env", "").stream().noneMatch(c -> c.equals("postgresql")),
                "an environment is not an app name");
        assertTrue(complete("apps", "rollback", "postgresql", "").isEmpty(), "the revision is not an app name");
        assertTrue(asked().stream().allMatch("apps list -o name"::equals), asked().toString());
    }

    @Test
    void repoRemoveCompletesNameSlashVersion() throws Exception {
        assertEquals(List.of("k3s-server/1.0.0", "k3s/v1.30.2+k3s1"), complete("repo", "remove", "k3s"));
        assertEquals(List.of("web/1.1.0"), complete("repo", "rm", "we"));
        assertEquals(List.of("repo list -o name", "repo list -o name"), asked());
    }

    @Test
    void elsewhereThePicocliCompletionAnswersWithoutAskingLabd() throws Exception {
        assertTrue(complete("modules", "").containsAll(List.of("apply", "history", "remove", "rollback", "status")));
        assertEquals(List.of("--selector"), complete("modules", "apply", "web", "--sel"));
        assertTrue(complete("modules", "apply", "-l", "").isEmpty(), "a selector is not a module name");
        assertTrue(complete("modules", "rollback", "web", "").isEmpty(), "the revision is not a module name");
        assertTrue(complete("repo", "push", "").stream().noneMatch(c -> c.contains("/")), "push takes a file");
        assertEquals(List.of(), asked());
    }

    @Test
    void nothingIsOfferedWhenLabdCannotBeAsked() throws Exception {
        Files.writeString(labctl, "#!/bin/sh\necho 'labd is not reachable' >&2\nexit 255\n");
        assertEquals(List.of(), complete("modules", "apply", ""));
    }
}
