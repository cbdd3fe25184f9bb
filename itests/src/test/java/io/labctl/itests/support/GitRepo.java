package io.labctl.itests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An author's git repository for the from-git tests: the real git command line, commits under the author's name. */
public record GitRepo(Path dir, String author) {

    /** Runs git in the repository; fails the test when git does. */
    public String git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=" + author, "-c",
                "user.email=author@example.com"));
        command.addAll(List.of(args));
        Processes.Result r = Processes.run(dir, command, Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.toString());
        return r.stdout().strip();
    }

    /** Commits everything; the new commit's id. */
    public String commit(String message) throws Exception {
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return git("rev-parse", "HEAD");
    }
}
