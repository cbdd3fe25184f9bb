package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.config.ConfigStore;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.config.LabctlConfig;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.CredentialBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path home;

    private Path bundle(String server) throws Exception {
        Path f = home.resolve("bundle-" + Math.abs(server.hashCode()) + ".yaml");
        TestPki.get().bundle(server).write(f);
        return f;
    }

    @Test
    void importKeepsOtherContextsSwitchesAndIsOwnerOnly() throws Exception {
        TestCli t = new TestCli(home);
        ContextEntry other = new ContextEntry("prod", "https://prod.example:8443", "bob", "ca", "cert", "key");
        ConfigStore.save(t.configFile(), LabctlConfig.empty().withContext(other).withCurrent("prod"));

        TestCli.Result r = t.run("config", "import", bundle("https://labd.example:8443").toString());
        assertEquals(0, r.code(), r.toString());

        LabctlConfig c = ConfigStore.load(t.configFile());
        assertEquals("admin@labd.example", c.currentContext());
        assertEquals(List.of("prod", "admin@labd.example"), c.contexts().stream().map(ContextEntry::name).toList());
        assertEquals(other, c.find("prod").orElseThrow());
        assertEquals(TestPki.get().clientKeyPem, c.find("admin@labd.example").orElseThrow().privateKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t.configFile())));
        assertTrue(Files.readString(t.configFile()).startsWith("current-context: admin@labd.example\ncontexts:\n"));
    }

    @Test
    void importWithNameAndNoSwitchReplacesInPlace() throws Exception {
        TestCli t = new TestCli(home);
        ContextEntry a = new ContextEntry("a", "https://a:1", "u", "ca", "c", "k");
        ContextEntry lab = new ContextEntry("lab", "https://old:1", "u", "ca", "c", "k");
        ContextEntry z = new ContextEntry("z", "https://z:1", "u", "ca", "c", "k");
        ConfigStore.save(t.configFile(), new LabctlConfig("a", List.of(a, lab, z)));

        TestCli.Result r = t.run("config", "import", bundle("https://new:8443").toString(), "--context", "lab", "--no-switch");
        assertEquals(0, r.code(), r.toString());
        LabctlConfig c = ConfigStore.load(t.configFile());
        assertEquals("a", c.currentContext());
        assertEquals(List.of("a", "lab", "z"), c.contexts().stream().map(ContextEntry::name).toList());
        assertEquals("https://new:8443", c.find("lab").orElseThrow().server());
    }

    @Test
    void configFileFromFlagAndEnvironment() throws Exception {
        TestCli t = new TestCli(home);
        Path viaEnv = home.resolve("env.yaml");
        t.env.put("LABCTL_CONFIG", viaEnv.toString());
        assertEquals(0, t.run("config", "import", bundle("https://e:1").toString()).code());
        assertTrue(Files.exists(viaEnv));
        assertTrue(!Files.exists(t.configFile()));

        Path viaFlag = home.resolve("flag.yaml");
        assertEquals(0, t.run("config", "import", bundle("https://f:1").toString(), "--config", viaFlag.toString()).code());
        assertEquals("admin@f", ConfigStore.load(viaFlag).currentContext());
        assertEquals("admin@e", ConfigStore.load(viaEnv).currentContext());
    }

    @Test
    void useGetAndCurrentContext() throws Exception {
        TestCli t = new TestCli(home);
        ConfigStore.save(t.configFile(), new LabctlConfig("a", List.of(
                new ContextEntry("a", "https://a:1", "alice", "ca", "c", "k"),
                new ContextEntry("b", "https://b:2", "bob", "ca", "c", "k"))));

        assertEquals("a\n", t.run("config", "current-context").out());
        TestCli.Result use = t.run("config", "use-context", "b");
        assertEquals(0, use.code(), use.toString());
        assertEquals("b", ConfigStore.load(t.configFile()).currentContext());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t.configFile())));

        String table = t.run("config", "get-contexts").out();
        assertEquals(""
                + "CURRENT   NAME   SERVER        USER\n"
                + "          a      https://a:1   alice\n"
                + "*         b      https://b:2   bob\n", table);

        TestCli.Result missing = t.run("config", "use-context", "nope");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no context named 'nope'"), missing.err());
        assertEquals("b", ConfigStore.load(t.configFile()).currentContext());
    }

    @Test
    void missingConfigSaysWhatToDo() {
        TestCli t = new TestCli(home);
        TestCli.Result r = t.run("get", "servers");
        assertEquals(2, r.code());
        assertEquals("error: " + Cli.NO_CONTEXT + "\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownContextIsNamed() throws Exception {
        TestCli t = new TestCli(home).withContext(TestPki.get(), "https://127.0.0.1:1");
        TestCli.Result r = t.run("get", "servers", "--context", "elsewhere");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("context 'elsewhere' is not in"), r.err());
    }

    @Test
    void brokenBundleIsRejectedWithoutTouchingTheConfig() throws Exception {
        TestCli t = new TestCli(home);
        Path bad = home.resolve("bad.yaml");
        CredentialBundle.of("https://x:1", "u", "not a pem", "c", "k").write(bad);
        TestCli.Result r = t.run("config", "import", bad.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("CA certificate"), r.err());
        assertTrue(!Files.exists(t.configFile()));
    }
}
