package io.labctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import org.junit.jupiter.api.Test;

class PermissionTest {
    @Test
    void parsesAndPrintsTheFourSegments() {
        Permission p = Permission.parse("exec:baremetal:lab:*");
        assertEquals("exec", p.action());
        assertEquals("baremetal", p.cloud());
        assertEquals("lab", p.environment());
        assertEquals("*", p.server());
        assertEquals("exec:baremetal:lab:*", p.toString());
        assertEquals(Action.EXEC, p.actionOrNull());
        assertTrue(Permission.parse("*:*:*:*").anyAction());
    }

    @Test
    void badPermissionsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Permission.parse("exec:lab:*"))
                .getMessage().contains("3 segment"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Permission.parse("fly:*:*:*"))
                .getMessage().contains("unknown action"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Permission.parse("read:Lab:*:*"))
                .getMessage().contains("cloud segment"));
        assertThrows(IllegalArgumentException.class, () -> Permission.parse("read::*:*"));
        assertThrows(IllegalArgumentException.class, () -> Permission.parse(""));
    }

    @Test
    void coversIsSegmentWise() {
        Permission rule = Permission.parse("exec:baremetal:*:*");
        assertTrue(rule.covers(Permission.on(Action.EXEC, "baremetal", "lab", "web-1")));
        assertTrue(rule.covers(Permission.parse("exec:baremetal:*:*")));
        assertFalse(rule.covers(Permission.on(Action.EXEC, "aws", "lab", "web-1")));
        assertFalse(rule.covers(Permission.on(Action.READ, "baremetal", "lab", "web-1")));
        // a request for every cloud is more than a rule for one cloud grants
        assertFalse(Permission.parse("exec:baremetal:lab:*").covers(Permission.parse("exec:*:lab:*")));
        // a server without a cloud is matched only by *
        assertFalse(rule.covers(Permission.on(Action.EXEC, null, "lab", "web-1")));
        assertTrue(Permission.parse("exec:*:lab:*").covers(Permission.on(Action.EXEC, null, "lab", "web-1")));
    }

    @Test
    void intersectsWhenSomeRequestMatchesBoth() {
        Permission deny = Permission.parse("exec:*:prod:*");
        assertTrue(deny.intersects(Permission.parse("exec:*:*:*")));
        assertTrue(deny.intersects(Permission.on(Action.EXEC, "aws", "prod", "db-1")));
        assertFalse(deny.intersects(Permission.on(Action.EXEC, "aws", "lab", "db-1")));
        assertFalse(deny.intersects(Permission.parse("read:*:*:*")));
        assertTrue(Permission.parse("*:*:prod:*").intersects(Permission.parse("read:*:*:*")));
    }

    @Test
    void aClusterIsNamedInTheLastSegmentAndAServerRuleNeverGrantsIt() {
        Permission onCluster = Permission.on(Action.KUBECTL, "baremetal", "lab", "cluster/web-1");
        assertFalse(Permission.parse("kubectl:baremetal:lab:web-1").covers(onCluster), "a server rule granted a cluster");
        assertTrue(Permission.parse("kubectl:baremetal:lab:cluster/web-1").covers(onCluster));
        assertTrue(Permission.parse("kubectl:baremetal:lab:cluster/*").covers(onCluster));
        assertTrue(Permission.parse("kubectl:*:*:*").covers(onCluster));
        assertFalse(Permission.parse("kubectl:baremetal:lab:cluster/web-2").covers(onCluster));
        // cluster/* is every cluster, never a server, and not "everything"
        assertFalse(Permission.parse("exec:*:*:cluster/*").covers(Permission.on(Action.EXEC, "baremetal", "lab", "web-1")));
        assertFalse(Permission.parse("read:*:*:cluster/*").covers(Permission.parse("read:*:*:*")));
        assertTrue(Permission.parse("read:*:*:cluster/*").intersects(Permission.parse("read:*:*:*")));
        assertTrue(Permission.parse("kubectl:*:*:cluster/*").intersects(onCluster));
        assertFalse(Permission.parse("kubectl:*:*:cluster/*").intersects(Permission.on(Action.KUBECTL, "b", "l", "web-1")));
        assertEquals("kubectl:baremetal:lab:cluster/k3s", Permission.parse("kubectl:baremetal:lab:cluster/k3s").toString());
    }

    @Test
    void badClusterSegmentsSayWhatIsWrong() {
        for (String bad : new String[] {"kubectl:*:*:cluster/", "kubectl:*:*:cluster/K3s", "kubectl:*:*:cluster/a/b",
                "kubectl:*:cluster/x:*", "kubectl:*:*:cluster/x.y"}) {
            assertThrows(IllegalArgumentException.class, () -> Permission.parse(bad), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Permission.parse("read:*:*:cluster/K"))
                .getMessage().contains("cluster/* or cluster/NAME"));
    }
}
