package io.labctl.protocol.modules;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModuleDescriptorTest {
    private static final String K3S = """
            name: k3s-server
            version: 1.0.0
            description: k3s control-plane node
            targets:
              roles: [server]
              selector: "os=debian"
            requires:
              - name: lab-agent
                version: "[1.0,2)"
            inputs:
              port:    { type: integer, default: 6443, description: API port }
              token:   { type: string, secret: true, required: true, description: join token }
              flags:   { type: list, default: [] }
              enabled: { type: boolean, default: true }
            """;

    private static ModuleDescriptor parse(String yaml) {
        return ModuleDescriptor.parse(yaml.getBytes(UTF_8));
    }

    private static String refusal(String yaml) {
        return assertThrows(InvalidInput.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void readsEveryField() {
        ModuleDescriptor d = parse(K3S);
        assertEquals("k3s-server", d.name());
        assertEquals("1.0.0", d.version());
        assertEquals("k3s control-plane node", d.description());
        assertEquals(List.of("server"), d.targets().roles());
        assertEquals("os=debian", d.targets().selector());
        assertEquals(List.of(new ModuleDescriptor.Dependency("lab-agent", "[1.0,2)")), d.requires());
        assertEquals(List.of("port", "token", "flags", "enabled"), List.copyOf(d.inputs().keySet()));
        assertEquals(new ModuleDescriptor.InputSpec("integer", 6443L, "API port", false, false), d.inputs().get("port"));
        assertEquals(new ModuleDescriptor.InputSpec("string", null, "join token", true, true), d.inputs().get("token"));
        assertEquals(Set.of("token"), d.secretInputs());
    }

    @Test
    void onlyNameAndVersionAreNeeded() {
        ModuleDescriptor d = parse("name: motd\nversion: 2.1.0\n");
        assertEquals(List.of(), d.requires());
        assertTrue(d.inputs().isEmpty());
        assertEquals(Map.of(), d.validateInputs(Map.of()));
    }

    @Test
    void everyBadFieldIsNamedInOneRefusal() {
        String message = refusal("""
                name: K3s_Server
                version: "1.0"
                colour: blue
                targets:
                  roles: [Server!]
                  selector: "os=debian,"
                requires:
                  - name: lab-agent
                    version: "[2,1)"
                  - version: "1.0"
                inputs:
                  port:  { type: int }
                  token: { type: string, secret: true, default: abc }
                  count: { type: integer, default: many }
                  on:    { type: boolean, requried: true }
                  ok:    { type: boolean, required: yes please }
                  list:  { type: list, secret: true }
                """);
        for (String expected : List.of("name 'K3s_Server' is not valid", "version '1.0' is not valid",
                "colour is not a known field", "targets.roles has 'Server!'", "targets.selector is not valid",
                "requires[0].version '[2,1)' is not a version range", "requires[1].name is missing",
                "inputs.port.type 'int' is not one of", "inputs.token is secret and has a default",
                "inputs.count.default is not of type integer", "inputs.on.requried is not a known field",
                "inputs.ok.required must be true or false", "inputs.list is secret but of type list")) {
            assertTrue(message.contains(expected), () -> "'" + expected + "' missing in: " + message);
        }
    }

    @Test
    void missingNameAndVersionAreNamed() {
        String message = refusal("description: nothing else\n");
        assertTrue(message.contains("name is missing"), message);
        assertTrue(message.contains("version is missing"), message);
    }

    // ---- hostile descriptors: each refused with what is wrong, never parsed into something else

    @Test
    void aDuplicateKeyIsRefusedNotSilentlyOverwritten() {
        String message = refusal("name: motd\nversion: 1.0.0\nname: other\n");
        assertTrue(message.contains("duplicate") && message.contains("'name'"), message);
        String nested = refusal("name: motd\nversion: 1.0.0\ninputs:\n  a: { type: string, secret: true, secret: false }\n");
        assertTrue(nested.contains("duplicate") && nested.contains("'secret'"), nested);
    }

    @Test
    void anchorsAndAliasesAreRefused() {
        StringBuilder bomb = new StringBuilder("name: motd\nversion: 1.0.0\ndescription: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            bomb.append("d").append(i).append(": &a").append(i).append(" [*a").append(i - 1);
            bomb.append((", *a" + (i - 1)).repeat(9)).append("]\n");
        }
        String message = refusal(bomb.toString());
        assertTrue(message.contains("anchors and aliases"), message);
        String one = refusal("name: &n motd\nversion: 1.0.0\ndescription: *n\n");
        assertTrue(one.contains("anchors and aliases"), one);
    }

    @Test
    void deepNestingIsRefusedWithoutBlowingTheStack() {
        String deep = "name: motd\nversion: 1.0.0\ndescription: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
        String message = refusal(deep);
        assertTrue(message.contains("nested"), message);
        String deepMaps = "name: motd\nversion: 1.0.0\ntargets: " + "{a: ".repeat(5_000) + "1" + "}".repeat(5_000) + "\n";
        assertTrue(refusal(deepMaps).contains("nested"));
    }

    @Test
    void aHugeDescriptorIsRefusedBeforeItIsRead() {
        String huge = "name: motd\nversion: 1.0.0\ndescription: " + "x".repeat(300 * 1024) + "\n";
        assertTrue(refusal(huge).contains("larger than 256 KiB"));
    }

    @Test
    void namesThatCouldBePathsOrAreNotLowerCaseAreRefused() {
        for (String name : List.of("../etc", "a/b", "with space", "Upper", "..", "")) {
            String message = refusal("name: \"" + name + "\"\nversion: 1.0.0\n");
            assertTrue(message.contains("name") && message.contains("not valid") || message.contains("name is empty"),
                    name + ": " + message);
        }
        String input = refusal("name: motd\nversion: 1.0.0\ninputs:\n  \"../x\": { type: string }\n");
        assertTrue(input.contains("inputs.../x: the name is not valid"), input);
        String dep = refusal("name: motd\nversion: 1.0.0\nrequires:\n  - { name: \"a/../b\" }\n");
        assertTrue(dep.contains("requires[0].name 'a/../b' is not a valid module name"), dep);
    }

    @Test
    void anUnknownInputTypeAndAVersionThatIsNotOneAreRefused() {
        String message = refusal("name: motd\nversion: one.two\ninputs:\n  a: { type: object }\n");
        assertTrue(message.contains("version 'one.two' is not valid"), message);
        assertTrue(message.contains("inputs.a.type 'object' is not one of"), message);
    }

    @Test
    void notYamlOrNotAMappingIsRefused() {
        assertTrue(refusal("name: [unclosed\n").contains("not valid YAML"));
        assertTrue(refusal("- just\n- a list\n").contains("must be a mapping"));
        assertThrows(InvalidInput.class, () -> ModuleDescriptor.parse(new byte[0]));
    }

    @Test
    void aRequiredInputWithADefaultIsRefused() {
        assertTrue(refusal("name: a\nversion: 1.0.0\ninputs:\n  x: { type: string, required: true, default: y }\n")
                .contains("inputs.x is required and has a default"));
    }

    @Test
    void inputsAreTypedAndDefaulted() {
        ModuleDescriptor d = parse(K3S);
        Map<String, Object> values = d.validateInputs(Map.of("token", "s3cret", "flags", "a, b", "port", "7443"));
        assertEquals(7443L, values.get("port"));
        assertEquals("s3cret", values.get("token"));
        assertEquals(List.of("a", "b"), values.get("flags"));
        assertEquals(Boolean.TRUE, values.get("enabled"));
        assertEquals(List.of("x", "y"), d.validateInputs(Map.of("token", "t", "flags", "[x, y]")).get("flags"));
        assertEquals(List.of(), d.validateInputs(Map.of("token", "t")).get("flags"));
    }

    @Test
    void everyBadInputIsNamedInOneRefusal() {
        ModuleDescriptor d = parse("""
                name: m
                version: 1.0.0
                inputs:
                  port: { type: integer }
                  on: { type: boolean }
                  pin: { type: string, secret: true, required: true }
                """);
        Map<String, String> given = new LinkedHashMap<>();
        given.put("port", "eighty");
        given.put("on", "yes");
        given.put("colour", "red");
        String message = assertThrows(InvalidInput.class, () -> d.validateInputs(given)).getMessage();
        assertTrue(message.contains("unknown input 'colour' (this module takes: port, on, pin)"), message);
        assertTrue(message.contains("input 'port' must be an integer, not 'eighty'"), message);
        assertTrue(message.contains("input 'on' must be true or false, not 'yes'"), message);
        assertTrue(message.contains("input 'pin' is required"), message);

        ModuleDescriptor secretOnly = parse("name: m\nversion: 1.0.0\ninputs:\n  pin: { type: string, secret: true }\n");
        assertEquals("1234", secretOnly.validateInputs(Map.of("pin", "1234")).get("pin"));
    }

    @Test
    void defaultsStayTypedAfterAJsonRoundTrip() throws Exception {
        ModuleDescriptor d = parse(K3S);
        String json = Json.json().writeValueAsString(d);
        assertTrue(json.contains("\"default\":6443"), json);
        assertFalse(json.contains("secretInputs"), json);
        ModuleDescriptor back = Json.json().readValue(json, ModuleDescriptor.class);
        assertEquals(6443L, back.validateInputs(Map.of("token", "t")).get("port"));
        assertEquals(d.secretInputs(), back.secretInputs());
    }
}
