package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModuleRequestTest {
    static final String SHA = "ab".repeat(32);

    static Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("action", "apply");
        p.put("module", "k3s-agent");
        p.put("version", "1.2.0");
        p.put("sha256", SHA);
        p.put("runId", "run-42");
        p.put("inputs", Map.of("port", 6443, "token", "s3cr3t", "flags", List.of("a", 2), "enabled", true));
        p.put("secrets", List.of("token"));
        return p;
    }

    @Test
    void readsTypedInputsAsJsonGivesThem() throws Exception {
        ModuleRequest request = ModuleRequest.fromParams(params());
        assertEquals("apply", request.action());
        assertEquals("k3s-agent", request.module());
        assertEquals(6443L, request.inputs().get("port"), "JSON's int arrives as the long a module reads");
        assertEquals(true, request.inputs().get("enabled"));
        assertEquals(List.of("a", "2"), request.inputs().get("flags"));
        assertEquals(Set.of("token"), request.secrets());
        assertEquals(List.of("s3cr3t"), request.secretValues());
        assertFalse(request.toString().contains("s3cr3t"), "a run's log line never shows inputs");
    }

    @Test
    void namesEveryBadFieldAtOnce() {
        Map<String, Object> p = params();
        p.put("action", "destroy");
        p.put("module", "../etc");
        p.put("sha256", "abc");
        p.remove("runId");
        p.put("inputs", Map.of("port", 1.5, "bad name!", "x"));
        var e = assertThrows(ModuleRunException.class, () -> ModuleRequest.fromParams(p));
        assertEquals(ModuleRunException.INVALID_REQUEST, e.code());
        for (String expected : List.of("action must be one of [plan, apply, remove]", "module '../etc' does not match",
                "sha256 must be 64 hex digits", "runId is missing", "input port must be a string, an integer",
                "input name 'bad name!' does not match")) {
            assertTrue(e.getMessage().contains(expected), expected + " in: " + e.getMessage());
        }
    }

    @Test
    void boundsWhatAPeerCanSend() {
        Map<String, Object> p = params();
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i <= ModuleRequest.MAX_INPUTS; i++) {
            many.put("i" + i, "v");
        }
        p.put("inputs", many);
        var tooMany = assertThrows(ModuleRunException.class, () -> ModuleRequest.fromParams(p));
        assertTrue(tooMany.getMessage().contains("at most 256"), tooMany.getMessage());

        p.put("inputs", Map.of("big", "x".repeat(ModuleRequest.MAX_VALUE_CHARS + 1)));
        var big = assertThrows(ModuleRunException.class, () -> ModuleRequest.fromParams(p));
        assertTrue(big.getMessage().contains("input big is 65537 characters"), big.getMessage());

        List<String> items = new ArrayList<>();
        for (int i = 0; i <= ModuleRequest.MAX_LIST_ITEMS; i++) {
            items.add("x");
        }
        p.put("inputs", Map.of("long", items));
        var longList = assertThrows(ModuleRunException.class, () -> ModuleRequest.fromParams(p));
        assertTrue(longList.getMessage().contains("input long has 1025 items"), longList.getMessage());
    }

    @Test
    void aSecretMustBeAStringAndItsValueIsNeverQuotedBack() {
        Map<String, Object> p = params();
        p.put("inputs", Map.of("token", List.of("hunter2-in-a-list")));
        var e = assertThrows(ModuleRunException.class, () -> ModuleRequest.fromParams(p));
        assertTrue(e.getMessage().contains("secret input token must be a string"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
