package io.labctl.rbac.internal;

import io.labctl.api.Identity;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.Statistics;

/**
 * One access decision for a user bound to 100 roles of 10 rules each (1,000 rules: 800 allow, 200 deny, ten of
 * them admin), over a fixed mix of 64 requests: allowed, denied by a rule, denied for want of one, some with
 * wildcard segments. Goal: p99 at most 5 µs.
 * Run it with bench/rbac-decision.sh.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DecisionBenchmark {
    static final int ROLES = 100;
    static final int RULES_PER_ROLE = 10;
    static final int REQUESTS = 64;
    private static final String[] ACTIONS = {"read", "exec", "apply", "kubectl", "manage", "destroy"};

    /** Volatile like the service's snapshot field, so each decision pays the same read. */
    private volatile RuleSet rules;
    private Identity subject;
    private Permission[] requests;
    private int next;

    @Setup
    public void setup() {
        rules = ruleSet();
        subject = new Identity(Identity.Kind.USER, "bench");
        requests = requests(rules, subject);
    }

    @Benchmark
    public Decision decide() {
        Permission request = requests[next++ & (REQUESTS - 1)];
        return rules.decide(subject, request);
    }

    /** Role i works in cloud i%10: eight allows over its environments (one admin in every tenth role), two denies. */
    static Map<String, RuleSet.RoleRules> roles() {
        Map<String, RuleSet.RoleRules> roles = new TreeMap<>();
        for (int i = 0; i < ROLES; i++) {
            String cloud = "cloud-" + (i % 10);
            List<Permission> allow = new ArrayList<>();
            List<Permission> deny = new ArrayList<>();
            for (int j = 0; j < RULES_PER_ROLE - 2; j++) {
                String action = i % 10 == 0 && j == 0 ? "admin" : ACTIONS[(i + j) % ACTIONS.length];
                String env = "env-" + ((i + j) % 10);
                String server = j % 3 == 0 ? "srv-" + (i * 10 + j) : "*";
                allow.add(new Permission(action, cloud, env, server));
            }
            deny.add(new Permission("destroy", cloud, "env-" + (i % 10), "*"));
            deny.add(new Permission(ACTIONS[i % 4], cloud, "env-" + ((i + 3) % 10), "srv-" + (i * 7 % 1000)));
            String name = String.format("role-%03d", i);
            roles.put(name, new RuleSet.RoleRules(name, allow, deny));
        }
        return roles;
    }

    static RuleSet ruleSet() {
        Map<String, RuleSet.RoleRules> roles = roles();
        return RuleSet.compile(1, Map.of("bench", List.copyOf(roles.keySet())), roles);
    }

    /**
     * A fixed mix drawn with a fixed seed: half allowed, a quarter denied by a deny rule, a quarter denied for want
     * of an allow. Half the candidates aim at a rule (its wildcards filled in), half are random; about one in eight
     * random ones asks for a whole environment or cloud ({@code *}).
     */
    static Permission[] requests(RuleSet rules, Identity subject) {
        Random random = new Random(42);
        List<Permission> written = new ArrayList<>();
        for (RuleSet.RoleRules role : roles().values()) {
            written.addAll(role.allow());
            written.addAll(role.deny());
        }
        List<Permission> allowed = new ArrayList<>();
        List<Permission> deniedByRule = new ArrayList<>();
        List<Permission> deniedNoRule = new ArrayList<>();
        Action[] actions = Action.values();
        while (allowed.size() < REQUESTS / 2 || deniedByRule.size() < REQUESTS / 4 || deniedNoRule.size() < REQUESTS / 4) {
            Permission p;
            if (random.nextBoolean()) {
                Permission rule = written.get(random.nextInt(written.size()));
                String action = "admin".equals(rule.action()) ? actions[random.nextInt(actions.length)].wire() : rule.action();
                String env = Permission.ANY.equals(rule.environment()) ? "env-" + random.nextInt(10) : rule.environment();
                String server = Permission.ANY.equals(rule.server()) ? "srv-" + random.nextInt(1000) : rule.server();
                p = new Permission(action, rule.cloud(), env, server);
            } else {
                String action = actions[random.nextInt(actions.length)].wire();
                String cloud = "cloud-" + random.nextInt(10);
                String env = random.nextInt(16) == 0 ? Permission.ANY : "env-" + random.nextInt(10);
                String server = random.nextInt(16) == 0 ? Permission.ANY : "srv-" + random.nextInt(1000);
                p = new Permission(action, cloud, env, server);
            }
            Decision d = rules.decide(subject, p);
            List<Permission> bucket = d.allowed() ? allowed : d.denyingRole() != null ? deniedByRule : deniedNoRule;
            int quota = d.allowed() ? REQUESTS / 2 : REQUESTS / 4;
            if (bucket.size() < quota) {
                bucket.add(p);
            }
        }
        List<Permission> all = new ArrayList<>(allowed);
        all.addAll(deniedByRule);
        all.addAll(deniedNoRule);
        Collections.shuffle(all, random);
        return all.toArray(new Permission[0]);
    }

    /** Runs the benchmark (JMH options may override the defaults) and prints p50, p99 and p99.9 in µs. */
    public static void main(String[] args) throws Exception {
        OptionsBuilder options = new OptionsBuilder();
        options.parent(new CommandLineOptions(args)).include(DecisionBenchmark.class.getName() + ".decide");
        for (RunResult run : new Runner(options.build()).run()) {
            Statistics s = run.getPrimaryResult().getStatistics();
            System.out.printf("decide (100 roles, 1,000 rules, %d samples): p50 %.3f us, p99 %.3f us, p99.9 %.3f us%n",
                    s.getN(), s.getPercentile(50), s.getPercentile(99), s.getPercentile(99.9));
        }
    }
}
