package io.labctl.system.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SystemDecisionsTest {
    @TempDir
    Path dir;

    @Test
    void namesAreLabdCapabilitiesAndShortNamesStandForThem() {
        assertNull(SystemDecisions.invalidName("labd-exec"));
        assertEquals("labd-exec", SystemDecisions.fullName("exec"));
        assertEquals("labd-exec", SystemDecisions.fullName("labd-exec"));
        assertTrue(SystemDecisions.invalidName("lab-agent-logs").contains("start with labd-"));
        assertTrue(SystemDecisions.invalidName("labd-../../x").contains("not a labd capability"));
        assertTrue(SystemDecisions.invalidName(" ").contains("give the feature"));
        assertTrue(SystemDecisions.invalidName(null).contains("give the feature"));
    }

    @Test
    void whatLabdCannotLoseWhileItRunsIsRefusedWithTheReason() {
        for (String f : List.of("labd-web", "labd-gateway", "labd-persistence", "labd-rbac", "labd-audit", "labd-ca",
                "labd-registry", "labd-api", "labd-shell", "labd-system")) {
            String why = SystemDecisions.protectedReason(f, "upgraded");
            assertNotNull(why, f);
            assertTrue(why.startsWith(f + " cannot be upgraded on a running labd: ") && why.contains("distribution"), why);
        }
        for (String f : List.of("labd-exec", "labd-logs", "labd-tokens", "labd-modules", "labd-sources", "labd-bastion",
                "labd-repository", "labd-provisioning", "labd-notes")) {
            assertNull(SystemDecisions.protectedReason(f, "upgraded"), f);
        }
        assertTrue(SystemDecisions.protectedReason("labd-gateway", "uninstalled").contains("every agent would drop"));
    }

    @Test
    void versionsAreComparedTheWayKarafWritesThem() {
        assertEquals("0.1.0.SNAPSHOT", SystemDecisions.osgi("0.1.0-SNAPSHOT"));
        assertEquals("0.1.0.SNAPSHOT", SystemDecisions.osgi("0.1.0.SNAPSHOT"));
        assertEquals("0.2.0", SystemDecisions.osgi("0.2.0"));
        assertEquals("1.0.0", SystemDecisions.osgi("1"));
        assertEquals("1.2.0.rc1", SystemDecisions.osgi("1.2-rc1"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SystemDecisions.osgi("latest"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SystemDecisions.osgi("1.2.3.4.5"));
    }

    @Test
    void aFeatureIsNeededByTheInstalledFeaturesThatDependOnIt() {
        Map<String, List<String>> installed = Map.of(
                "labd-bastion", List.of("labd-provisioning", "labctl-jna"),
                "labd-provisioning", List.of("labd-web"),
                "labd-exec", List.of("labd-web"));
        assertEquals(List.of("labd-bastion"), SystemDecisions.neededBy("labd-provisioning", installed));
        assertEquals(List.of("labd-exec", "labd-provisioning"), SystemDecisions.neededBy("labd-web", installed));
        assertEquals(List.of(), SystemDecisions.neededBy("labd-bastion", installed));
    }

    @Test
    void theRepositorysJarMustBeTheExpectedBundleAtTheVersionAsked() throws Exception {
        Path good = jar("good.jar", "io.labctl.exec;singleton:=true", "0.2.0", true);
        SystemDecisions.Manifested m = SystemDecisions.manifest(good);
        assertEquals("io.labctl.exec", m.symbolicName());
        assertTrue(m.commands() && !m.schema());
        assertNull(SystemDecisions.wrongJar(m, "io.labctl.exec", "0.2.0", "labd-exec"));
        assertNull(SystemDecisions.wrongJar(m, null, "0.2.0", "labd-exec"), "a new capability: any name");

        String otherVersion = SystemDecisions.wrongJar(m, "io.labctl.exec", "0.3.0", "labd-exec");
        assertTrue(otherVersion.contains("is bundle io.labctl.exec 0.2.0, not io.labctl.exec 0.3.0"), otherVersion);
        String otherBundle = SystemDecisions.wrongJar(SystemDecisions.manifest(jar("other.jar", "io.labctl.logs", "0.2.0",
                false)), "io.labctl.exec", "0.2.0", "labd-exec");
        assertTrue(otherBundle.contains("io.labctl.logs") && otherBundle.contains("push the right jar"), otherBundle);

        Path notJar = dir.resolve("x.jar");
        Files.writeString(notJar, "not a jar");
        assertNull(SystemDecisions.manifest(notJar));
        assertTrue(SystemDecisions.wrongJar(null, "io.labctl.exec", "0.2.0", "labd-exec").contains("not an OSGi bundle"));
    }

    @Test
    void theNewFeatureKeepsTheOldOnesDependenciesAndLibrariesWithTheNewJarInPlaceOfItsBundle() throws Exception {
        String xml = SystemDecisions.featuresXml("labd-system-labd-exec-0.2.0", "labd-exec", "0.2.0",
                "remote exec \"bridged\" <to> agents",
                List.of(new SystemDecisions.Dependency("labd-web", null, false, false),
                        new SystemDecisions.Dependency("labctl-jna", "1.0", true, false)),
                List.of(new SystemDecisions.BundleLine("mvn:net.java.dev.jna/jna/5.14.0", 30, true),
                        new SystemDecisions.BundleLine("file:/var/lib/labd/labctl/system/labd-exec-0.2.0.jar", 0, false)));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element feature = (Element) d.getDocumentElement().getElementsByTagName("feature").item(0);
        assertEquals("labd-exec", feature.getAttribute("name"));
        assertEquals("0.2.0", feature.getAttribute("version"));
        assertEquals("remote exec \"bridged\" <to> agents", feature.getAttribute("description"));
        NodeList deps = feature.getElementsByTagName("feature");
        assertEquals(2, deps.getLength());
        assertEquals("labd-web", deps.item(0).getTextContent());
        assertEquals("", ((Element) deps.item(0)).getAttribute("version"), "no version: any, as before");
        assertEquals("true", ((Element) deps.item(1)).getAttribute("prerequisite"));
        NodeList bundles = feature.getElementsByTagName("bundle");
        assertEquals("30", ((Element) bundles.item(0)).getAttribute("start-level"));
        assertEquals("true", ((Element) bundles.item(0)).getAttribute("dependency"));
        assertEquals("file:/var/lib/labd/labctl/system/labd-exec-0.2.0.jar", bundles.item(1).getTextContent());
        assertEquals("http://karaf.apache.org/xmlns/features/v1.6.0", d.getDocumentElement().getNamespaceURI());
    }

    @Test
    void aJarWhoseDigestIsNotTheRecordedOneIsRefusedAndLeavesNoFile() throws Exception {
        byte[] content = "bundle bytes".getBytes(StandardCharsets.UTF_8);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        Path ok = dir.resolve("ok.jar");
        assertNull(SystemDecisions.copyChecked(new ByteArrayInputStream(content), ok, sha));
        assertEquals("bundle bytes", Files.readString(ok));

        Path tampered = dir.resolve("tampered.jar");
        String got = SystemDecisions.copyChecked(new ByteArrayInputStream("other bytes".getBytes(StandardCharsets.UTF_8)),
                tampered, sha);
        assertNotNull(got);
        assertTrue(!got.equals(sha) && got.matches("[0-9a-f]{64}"), got);
        assertTrue(!Files.exists(tampered) && !Files.exists(dir.resolve("tampered.jar.part")), "nothing left behind");
    }

    private Path jar(String name, String symbolicName, String version, boolean commands) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        m.getMainAttributes().putValue("Bundle-Version", version);
        if (commands) {
            m.getMainAttributes().putValue("Karaf-Commands", "io.labctl.exec.command");
        }
        Path p = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(p), m)) {
            out.putNextEntry(new java.util.jar.JarEntry("x.txt"));
            out.write(1);
            out.closeEntry();
        }
        return p;
    }
}
