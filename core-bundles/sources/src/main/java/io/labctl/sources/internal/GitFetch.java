package io.labctl.sources.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Clones a module's repository with JGit (labd's own process: no git binary, no shell) and checks out the ref asked
 * for: a branch, a tag or a commit (full or abbreviated SHA); without one, the remote's default branch.
 */
final class GitFetch {
    static final List<String> SCHEMES = List.of("https", "http", "git", "ssh", "file");

    /** What was checked out. */
    record Checkout(String commit, String describedRef) {}

    /** A failure to clone or find the ref, with a message for the operator. */
    static final class FetchException extends Exception {
        FetchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private GitFetch() {}

    /** The URL, or IllegalArgumentException naming what is wrong with it. */
    static String requireUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("give the module's git URL: --git https://host/owner/repo.git");
        }
        String u = url.strip();
        if (u.chars().anyMatch(Character::isWhitespace) || u.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("git URL '" + url + "' has spaces or control characters");
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("git URL '" + url + "' is not a URL: " + e.getReason()
                    + "; use scheme://host/path, one of " + String.join(", ", SCHEMES));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("git URL '" + url + "' has no supported scheme: use one of "
                    + String.join(", ", SCHEMES) + " (for example https://host/owner/repo.git)");
        }
        if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
            throw new IllegalArgumentException("git URL '" + url.replace(uri.getUserInfo(), "******") + "' carries a"
                    + " password: store it as a credential (labctl create credential NAME --token-file F) and give"
                    + " --credential NAME");
        }
        return u;
    }

    /**
     * How a clone proves who it is: a token (https, http) as a credentials provider, or an ssh key (ssh://) as the
     * ssh transport's only identity. The key stays in memory; the ssh client reads no file of labd's user (no
     * ~/.ssh, no agent) and accepts only servers whose host key is in {@code knownHosts}.
     */
    record Access(CredentialsProvider token, String sshKey, Path knownHosts) {
        static final Access NONE = new Access(null, null, null);

        @Override
        public String toString() {
            return "Access[" + (token != null ? "token" : sshKey != null ? "ssh key" : "none") + "]";
        }
    }

    /** The access a credential gives to a URL, or IllegalArgumentException when the two do not go together. */
    static Access access(String url, CredentialService.Opened credential, Path knownHosts) {
        boolean ssh = url.toLowerCase(Locale.ROOT).startsWith("ssh://");
        if (credential == null) {
            return ssh ? new Access(null, null, knownHosts) : Access.NONE;
        }
        boolean key = io.labctl.protocol.sources.CredentialInfo.SSH_KEY.equals(credential.kind());
        if (ssh != key) {
            throw new IllegalArgumentException(ssh ? "an ssh:// URL needs an ssh-key credential (labctl create credential"
                    + " NAME --ssh-key FILE), not a token" : "an ssh-key credential is for ssh:// URLs; for " + url
                    + " give a token credential (labctl create credential NAME --token-file FILE)");
        }
        return key ? new Access(null, credential.secret(), knownHosts) : new Access(credentials(credential), null, null);
    }

    static CredentialsProvider credentials(CredentialService.Opened credential) {
        if (credential == null) {
            return null;
        }
        String secret = credential.secret();
        int colon = secret.indexOf(':');
        // USER:TOKEN when the host needs a user name with the token; a bare token goes with a placeholder user
        return colon > 0 ? new UsernamePasswordCredentialsProvider(secret.substring(0, colon), secret.substring(colon + 1))
                : new UsernamePasswordCredentialsProvider("labctl", secret);
    }

    static Checkout fetch(String url, String ref, Access access, Path into, Duration timeout,
            Consumer<String> log) throws FetchException {
        log.accept("clone " + url + (ref == null ? " (default branch)" : " at " + ref));
        SshdSessionFactory ssh = null;
        Path sshHome = into.resolveSibling("ssh-home");
        try {
            if (access.knownHosts() != null) {
                ssh = SshClients.factory(access.sshKey(), access.knownHosts(), sshHome);
            }
            return fetch(url, ref, access, ssh, into, timeout, log);
        } catch (SshClients.KeyException e) {
            throw new FetchException("cannot clone " + url + ": " + e.getMessage(), null);
        } finally {
            if (ssh != null) {
                ssh.close();
                BuildService.deleteTree(sshHome);
            }
        }
    }

    private static Checkout fetch(String url, String ref, Access access, SshdSessionFactory ssh, Path into,
            Duration timeout, Consumer<String> log) throws FetchException {
        TransportConfigCallback transport = t -> {
            if (t instanceof SshTransport st && ssh != null) {
                st.setSshSessionFactory(ssh);
            }
        };
        try (Git git = Git.cloneRepository().setURI(url).setDirectory(into.toFile()).setCredentialsProvider(access.token())
                .setTransportConfigCallback(transport).setCloneAllBranches(true).setNoCheckout(true)
                .setTimeout((int) Math.max(1, timeout.toSeconds())).call()) {
            Repository repo = git.getRepository();
            ObjectId commit = resolve(repo, ref);
            if (commit == null) {
                throw new FetchException("ref '" + ref + "' is not a branch, tag or commit of " + url + "; "
                        + refsOf(repo), null);
            }
            git.checkout().setName(commit.name()).call();
            log.accept("checked out " + commit.name());
            return new Checkout(commit.name(), ref == null ? "default branch" : ref);
        } catch (GitAPIException | org.eclipse.jgit.errors.RevisionSyntaxException e) {
            throw new FetchException("cannot clone " + url + ": " + rootMessage(e) + (ssh == null ? ""
                    : SshClients.hint(rootMessage(e), access.knownHosts())), e);
        } catch (IOException e) {
            throw new FetchException("cannot read the clone of " + url + ": " + rootMessage(e), e);
        } catch (org.eclipse.jgit.api.errors.JGitInternalException e) {
            throw new FetchException("cannot clone " + url + ": " + rootMessage(e), e);
        }
    }

    private static ObjectId resolve(Repository repo, String ref) throws IOException {
        if (ref == null) {
            Ref head = repo.exactRef(Constants.HEAD);
            return head == null || head.getObjectId() == null ? null : peel(repo, head.getObjectId());
        }
        for (String candidate : List.of(Constants.R_REMOTES + "origin/" + ref, Constants.R_TAGS + ref, Constants.R_HEADS + ref)) {
            Ref r = repo.exactRef(candidate);
            if (r != null && r.getObjectId() != null) {
                return peel(repo, r.getObjectId());
            }
        }
        if (ref.matches("[0-9a-f]{4,40}")) {
            try {
                ObjectId id = repo.resolve(ref + "^{commit}");
                return id;
            } catch (org.eclipse.jgit.errors.AmbiguousObjectException e) {
                throw new IOException("the abbreviated commit " + ref + " is ambiguous: give more of it", e);
            } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                return null;
            }
        }
        return null;
    }

    private static ObjectId peel(Repository repo, ObjectId id) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(id);
            return c.getId();
        }
    }

    private static String refsOf(Repository repo) throws IOException {
        List<String> branches = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        for (Ref r : repo.getRefDatabase().getRefs()) {
            if (r.getName().startsWith(Constants.R_REMOTES + "origin/") && !r.getName().endsWith("/HEAD")) {
                branches.add(r.getName().substring((Constants.R_REMOTES + "origin/").length()));
            } else if (r.getName().startsWith(Constants.R_TAGS)) {
                tags.add(r.getName().substring(Constants.R_TAGS.length()));
            }
        }
        return "its branches: " + (branches.isEmpty() ? "none" : String.join(", ", branches.stream().sorted().limit(20).toList()))
                + "; its tags: " + (tags.isEmpty() ? "none" : String.join(", ", tags.stream().sorted().limit(20).toList()));
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
