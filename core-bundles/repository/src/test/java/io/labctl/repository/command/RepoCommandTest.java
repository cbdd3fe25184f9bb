package io.labctl.repository.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.Identity;
import io.labctl.api.repository.BundleRepository;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.RecordingAuditTrail;
import io.labctl.shell.Shell;
import io.labctl.shell.ShellCommands;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepoCommandTest {
    private final FakeAccessControl access = new FakeAccessControl().allow("alice", "admin:*:*:*");
    private final RecordingAuditTrail audit = new RecordingAuditTrail();

    /** Lists what it holds; nothing else is asked of it by lab:repo. */
    record Listing(List<RepoEntry> entries) implements BundleRepository {
        public List<RepoEntry> list() { return entries; }
        public Optional<RepoEntry> find(String name, String version) { throw new UnsupportedOperationException(); }
        public InputStream open(String name, String version) { throw new UnsupportedOperationException(); }
        public RepoEntry push(Identity c, String f, InputStream in, String n, String v) { throw new UnsupportedOperationException(); }
        public void remove(Identity c, String n, String v) { throw new UnsupportedOperationException(); }
    }

    private RepoCommand command(BundleRepository repository) {
        RepoCommand c = Shell.wire(new RepoCommand(), access, audit);
        c.repository = repository;
        return c;
    }

    @Test
    void listsEntriesWithAShortDigestAndIsAudited() throws Exception {
        RepoEntry k3s = new RepoEntry("k3s", "v1.30.2+k3s1", RepoEntry.ARTIFACT, "ab".repeat(32), 3 << 20, "alice",
                Shell.NOW.minusSeconds(7200), null);
        Shell.Result r = Shell.run(command(new Listing(List.of(k3s))), "alice");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("NAME"), r.out());
        assertTrue(lines.get(1).matches("k3s +v1\\.30\\.2\\+k3s1 +artifact +3 MiB +abababababab +2h ago +alice"), r.out());
        assertEquals("shell.repo.list", audit.only().event().action());
        assertEquals("/v1/repo", audit.only().event().resource());
        assertEquals(AuditEntry.OK, audit.only().result());
    }

    @Test
    void saysSoWhenEmptyAndNamesTheFeatureWhenMissing() throws Exception {
        assertEquals("The repository is empty.\n", Shell.run(command(new Listing(List.of())), "alice").out());
        Shell.Result missing = Shell.run(command(null), "alice");
        assertTrue(missing.err().contains("feature:install labd-repository"), missing.err());
    }

    @Test
    void aNameShowsOnlyThatEntrysVersionsAndCompletesFromTheRepository() throws Exception {
        RepoEntry k3s1 = new RepoEntry("k3s", "1.29.0", RepoEntry.ARTIFACT, "ab".repeat(32), 1, "alice", Shell.NOW, null);
        RepoEntry k3s2 = new RepoEntry("k3s", "1.30.0", RepoEntry.ARTIFACT, "cd".repeat(32), 1, "alice", Shell.NOW, null);
        RepoEntry server = new RepoEntry("k3s-server", "1.0.0", RepoEntry.MODULE, "ef".repeat(32), 1, "alice", Shell.NOW, null);
        Listing listing = new Listing(List.of(k3s1, k3s2, server));
        RepoCommand one = command(listing);
        one.name = "k3s";
        List<String> lines = Shell.run(one, "alice").out().lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("k3s ") && lines.get(2).startsWith("k3s "), lines.toString());
        one = command(listing);
        one.name = "nope";
        assertEquals("The repository holds no entry named nope.\n", Shell.run(one, "alice").out());

        RepoNames names = Shell.wire(new RepoNames(), access);
        names.repository = listing;
        assertEquals(List.of("k3s", "k3s-server"), Shell.complete(names, "alice", "lab:repo", "k3"));
        assertEquals(List.of(), Shell.complete(names, "mallory", "lab:repo", "k3"), "no shell access, no names");
    }

    @Test
    void theBundlesLabCommandsAreWellFormed() throws Exception {
        ShellCommands.assertCommands(RepoCommand.class, Set.of("repo"));
    }
}
