package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.cmd.GetCommand;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Json;
import io.labctl.protocol.TokenSpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs against a stand-in labd over real mutual TLS. */
class CommandsTest {
    @TempDir
    Path home;
    TestLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    @Test
    void selectorCompositionFromFlags() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("rack", "r1");
        labels.put("zone", "a");
        assertEquals("role=worker,!draining,env=lab,cloud=aws,rack=r1,zone=a",
                GetCommand.compose("role=worker,!draining", "lab", "aws", labels).toString());
        assertEquals("env=lab", GetCommand.compose(null, "lab", null, Map.of()).toString());
        assertEquals("", GetCommand.compose(null, null, null, Map.of()).toString());
    }

    @Test
    void getServersSendsOneComposedSelector() {
        labd.on("GET", "/api/v1/servers", 200, Samples.servers());
        TestCli.Result r = cli.run("get", "servers", "-l", "role=worker", "--env", "lab", "--cloud", "aws",
                "--label", "rack=r1", "--label", "zone=a");
        assertEquals(0, r.code(), r.toString());
        assertEquals(1, labd.requests.size());
        String query = URLDecoder.decode(labd.requests.get(0).query(), StandardCharsets.UTF_8);
        assertEquals("selector=role=worker,env=lab,cloud=aws,rack=r1,zone=a", query);
        assertTrue(r.out().startsWith("NAME    STATUS"), r.out());
        assertTrue(r.out().contains("web-1   online"), r.out());
    }

    @Test
    void getServersWithoutFiltersSendsNoSelector() {
        labd.on("GET", "/api/v1/servers", 200, Samples.servers());
        assertEquals(0, cli.run("get", "servers").code());
        assertEquals(null, labd.requests.get(0).query());
    }

    @Test
    void badSelectorIsAUsageErrorAndNoRequestIsMade() {
        TestCli.Result r = cli.run("get", "servers", "-l", "env=lab,=x");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: invalid selector: "), r.err());
        assertTrue(r.err().contains("'=x' is not a valid key"), r.err());
        TestCli.Result r2 = cli.run("get", "servers", "--env", "l a b");
        assertEquals(2, r2.code(), r2.toString());
        assertEquals(List.of(), labd.requests);
        assertTrue(!r.err().contains("at io.labctl"), r.err());
    }

    /** An empty selector term (an unset variable in -l "$A,$B") is refused before any request, never dropped. */
    @Test
    void emptySelectorTermsAreUsageErrors() {
        for (String text : List.of(",", ",,", "env=lab,", "", "rack!=")) {
            TestCli.Result r = cli.run("get", "servers", "-l", text);
            assertEquals(2, r.code(), text + ": " + r);
            assertTrue(r.err().startsWith("error: invalid selector: "), r.err());
        }
        assertEquals(List.of(), labd.requests);
    }

    /** install wipes the disk: an empty --disk is refused, not taken as "the first disk reported". */
    @Test
    void anEmptyDiskIsAUsageError() {
        TestCli.Result r = cli.run("provision", "install", "52:54:00:ab:cd:ef", "node1", "--role", "worker", "--disk", "");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--disk is empty"), r.err());
        assertEquals(List.of(), labd.requests);
    }

    @Test
    void badDurationAndOutputAreUsageErrors() {
        TestCli.Result ttl = cli.run("create", "token", "--ttl", "5 parsecs");
        assertEquals(2, ttl.code(), ttl.toString());
        assertTrue(ttl.err().contains("is not a duration"), ttl.err());
        TestCli.Result zero = cli.run("create", "token", "--ttl", "0s");
        assertEquals(2, zero.code(), zero.toString());
        TestCli.Result emptyEnv = cli.run("create", "token", "--env", "");
        assertEquals(2, emptyEnv.code(), emptyEnv.toString());
        assertTrue(emptyEnv.err().contains("--env is empty"), emptyEnv.err());
        TestCli.Result empty = cli.run("create", "token", "--ttl", "");
        assertEquals(2, empty.code(), empty.toString());
        assertTrue(empty.err().contains("ttl is empty"), empty.err());
        TestCli.Result out = cli.run("get", "servers", "-o", "xml");
        assertEquals(2, out.code(), out.toString());
        assertTrue(out.err().contains("output format 'xml'"), out.err());
        TestCli.Result flag = cli.run("get", "servers", "--colour");
        assertEquals(2, flag.code(), flag.toString());
        assertEquals(List.of(), labd.requests);
    }

    @Test
    void emptyServerListGoesToStderr() {
        labd.on("GET", "/api/v1/servers", 200, List.of());
        TestCli.Result r = cli.run("get", "servers");
        assertEquals(0, r.code());
        assertEquals("", r.out());
        assertEquals("No servers found.\n", r.err());
    }

    @Test
    void jsonOutputIsTheArray() throws Exception {
        labd.on("GET", "/api/v1/servers", 200, Samples.servers());
        TestCli.Result r = cli.run("get", "servers", "-o", "json");
        assertEquals(0, r.code());
        assertEquals(Json.json().readTree(Json.json().writeValueAsString(Samples.servers())), Json.json().readTree(r.out()));
        TestCli.Result y = cli.run("get", "servers", "-o", "yaml");
        assertEquals(Json.json().readTree(Json.json().writeValueAsString(Samples.servers())), Json.yaml().readTree(y.out()));
    }

    @Test
    void describeBothSpellings() {
        labd.on("GET", "/api/v1/servers/web-1", 200, Samples.web1());
        TestCli.Result a = cli.run("describe", "server/web-1");
        TestCli.Result b = cli.run("describe", "server", "web-1");
        assertEquals(0, a.code(), a.toString());
        assertEquals(a.out(), b.out());
        assertTrue(a.out().startsWith("Name:             web-1\n"), a.out());
    }

    @Test
    void describeMissingServerIsExit1WithLabdsMessage() {
        labd.on("GET", "/api/v1/servers/ghost", 404,
                new ApiError("not_found", "server 'ghost' not found; see 'labctl get servers'", "req-1"));
        TestCli.Result r = cli.run("describe", "server/ghost");
        assertEquals(1, r.code());
        assertEquals("error: server 'ghost' not found; see 'labctl get servers'\n", r.err());
    }

    @Test
    void createTokenPrintsOnlyTheTokenOnStdout() throws Exception {
        String token = "lab1.3f9a2c71d0e44b6c9a1e2f3a4b5c6d7e.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ."
                + "0".repeat(64);
        labd.on("POST", "/api/v1/tokens", 201, new IssuedToken(Samples.token(), token));
        TestCli.Result r = cli.run("create", "token", "--ttl", "1h", "--env", "lab", "--cloud", "baremetal", "--role",
                "worker", "--label", "rack=r1", "--server", "web-9", "--description", "rack 1");
        assertEquals(0, r.code(), r.toString());
        assertEquals(token + "\n", r.out());
        assertTrue(r.err().contains("3f9a2c71d0e4"), r.err());
        assertTrue(r.err().contains("one-time"), r.err());
        assertTrue(r.err().contains("shown only once"), r.err());

        TokenSpec sent = Json.json().readValue(labd.requests.get(0).body(), TokenSpec.class);
        assertEquals(new TokenSpec(false, 3600L, "baremetal", "lab", "worker", Map.of("rack", "r1"), "web-9", "rack 1"), sent);
    }

    /** The lifetime is always on the wire: the default as a number, 'never' as an explicit request. */
    @Test
    void createTokenSendsItsLifetimeExplicitly() throws Exception {
        labd.on("POST", "/api/v1/tokens", 201, new IssuedToken(Samples.token(), "lab1.x"));
        assertEquals(0, cli.run("create", "token").code());
        assertEquals(0, cli.run("create", "token", "--ttl", "never").code());
        TokenSpec defaulted = Json.json().readValue(labd.requests.get(0).body(), TokenSpec.class);
        assertEquals(86_400L, defaulted.ttlSeconds());
        assertFalse(defaulted.neverExpires());
        TokenSpec never = Json.json().readValue(labd.requests.get(1).body(), TokenSpec.class);
        assertEquals(null, never.ttlSeconds());
        assertTrue(never.neverExpires());
    }

    @Test
    void createTokenJsonPrintsTheIssuedToken() throws Exception {
        labd.on("POST", "/api/v1/tokens", 201, new IssuedToken(Samples.token(), "lab1.x"));
        TestCli.Result r = cli.run("create", "token", "--reusable", "-o", "json");
        assertEquals(0, r.code(), r.toString());
        assertEquals("lab1.x", Json.json().readValue(r.out(), IssuedToken.class).token());
        assertTrue(Json.json().readValue(labd.requests.get(0).body(), TokenSpec.class).reusable());
    }

    @Test
    void getTokensTable() {
        labd.on("GET", "/api/v1/tokens", 200, List.of(Samples.token()));
        TestCli.Result r = cli.run("get", "tokens");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("ID             TYPE"), r.out());
        assertTrue(r.out().contains("3f9a2c71d0e4   one-time   active"), r.out());
    }

    @Test
    void deleteTokenAndServer() {
        labd.on("DELETE", "/api/v1/tokens/3f9a2c", 200, Samples.token());
        labd.on("DELETE", "/api/v1/servers/web-1", 204, null);
        TestCli.Result t = cli.run("delete", "token/3f9a2c");
        assertEquals(0, t.code(), t.toString());
        assertEquals("token/3f9a2c71d0e44b6c9a1e2f3a4b5c6d7e revoked\n", t.out());
        TestCli.Result s = cli.run("delete", "server/web-1");
        assertEquals(0, s.code(), s.toString());
        assertEquals("server/web-1 deleted\n", s.out());
        assertEquals("DELETE", labd.requests.get(1).method());

        TestCli.Result shortId = cli.run("delete", "token/3f9");
        assertEquals(2, shortId.code());
        assertEquals(2, labd.requests.size());
    }

    @Test
    void nonJsonErrorBodyStillExit1() {
        labd.on("GET", "/api/v1/tokens", 502, "<html>bad gateway</html>");
        TestCli.Result r = cli.run("get", "tokens");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: labd answered HTTP 502"), r.err());
    }

    @Test
    void garbledSuccessIsExit255() {
        labd.on("GET", "/api/v1/servers", 200, "this is not json");
        TestCli.Result r = cli.run("get", "servers");
        assertEquals(255, r.code(), r.toString());
        assertTrue(r.err().contains("not the expected JSON"), r.err());
    }

    @Test
    void completionScriptMentionsTheVerbs() {
        TestCli.Result r = cli.run("completion", "bash");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("complete -F"), r.out().substring(0, 200));
        assertTrue(r.out().contains("quickstart"));
    }
}
