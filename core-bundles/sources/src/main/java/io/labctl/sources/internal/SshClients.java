package io.labctl.sources.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * The ssh client of one clone (JGit on Apache MINA sshd): the credential's key is its only identity, held in memory;
 * it reads nothing of labd's user (a scratch home, no ~/.ssh, no agent) and connects only to servers whose host key
 * is in labd's known-hosts file: an unknown or changed key ends the clone, there is nobody to ask.
 */
final class SshClients {
    /** The credential's key cannot be used, with why. */
    static final class KeyException extends Exception {
        KeyException(String message) {
            super(message, null, false, false);
        }
    }

    private SshClients() {}

    static SshdSessionFactory factory(String keyPem, Path knownHosts, Path home) throws KeyException {
        List<KeyPair> keys = keyPem == null ? List.of() : keys(keyPem);
        Path sshDir = home.resolve(".ssh");
        Path config = sshDir.resolve("config");
        try {
            Files.createDirectories(sshDir);
            Files.writeString(config, "Host *\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
                    + "  IdentityAgent none\n  PreferredAuthentications publickey\n");
        } catch (IOException e) {
            throw new KeyException("cannot prepare the ssh client: " + e.getMessage());
        }
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(sshDir.toFile())
                .setConfigFile(f -> config.toFile())
                .setDefaultKnownHostsFiles(f -> List.of(knownHosts))
                .setDefaultIdentities(f -> List.of())
                .setDefaultKeysProvider(f -> keys)
                .setPreferredAuthentications("publickey")
                .build(null);
    }

    /** The key pairs in a private key's PEM text (OpenSSH or PKCS#8); one with a passphrase cannot be used. */
    static List<KeyPair> keys(String pem) throws KeyException {
        List<KeyPair> out = new ArrayList<>();
        try {
            Iterable<KeyPair> read = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("credential"),
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)), null);
            if (read != null) {
                read.forEach(out::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyException("the credential's ssh key cannot be read (" + e.getMessage() + "); give an"
                    + " unencrypted private key (OpenSSH or PKCS#8): 'ssh-keygen -t ed25519 -N \"\" -f deploy-key' makes"
                    + " one, its .pub goes to the git server as a deploy key");
        }
        if (out.isEmpty()) {
            throw new KeyException("the credential holds no ssh private key");
        }
        return out;
    }

    /** What to do about a failed ssh clone, when the message says it is about the server's key. */
    static String hint(String message, Path knownHosts) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("server key") || m.contains("host key") || m.contains("known_hosts")
                || m.contains("known hosts")) {
            return " (labd connects only to git servers whose host key is in " + knownHosts + ": check the server's"
                    + " fingerprint, then add its key, e.g. 'ssh-keyscan -p PORT HOST >> " + knownHosts + "')";
        }
        return "";
    }
}
