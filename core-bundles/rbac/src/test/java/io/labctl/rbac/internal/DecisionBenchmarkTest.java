package io.labctl.rbac.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.Identity;
import io.labctl.protocol.access.Permission;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark's workload what it claims to be, without timing anything. */
class DecisionBenchmarkTest {
    @Test
    void workloadIsAHundredRolesOfTenRulesAndAnEvenMix() {
        assertEquals(1000, DecisionBenchmark.roles().values().stream()
                .mapToInt(r -> r.allow().size() + r.deny().size()).sum());
        RuleSet rules = DecisionBenchmark.ruleSet();
        Identity subject = new Identity(Identity.Kind.USER, "bench");
        assertEquals(DecisionBenchmark.ROLES, rules.rolesOf("bench").size());
        Permission[] requests = DecisionBenchmark.requests(rules, subject);
        assertEquals(DecisionBenchmark.REQUESTS, requests.length);
        long allowed = Arrays.stream(requests).filter(p -> rules.decide(subject, p).allowed()).count();
        assertEquals(DecisionBenchmark.REQUESTS / 2, allowed);
        long deniedByRule = Arrays.stream(requests).filter(p -> rules.decide(subject, p).denyingRole() != null).count();
        assertEquals(DecisionBenchmark.REQUESTS / 4, deniedByRule);
        assertTrue(Arrays.stream(requests).anyMatch(p -> p.environment().equals("*") || p.server().equals("*")));
        DecisionBenchmark benchmark = new DecisionBenchmark();
        benchmark.setup();
        for (int i = 0; i < 2 * DecisionBenchmark.REQUESTS; i++) {
            benchmark.decide();
        }
    }
}
