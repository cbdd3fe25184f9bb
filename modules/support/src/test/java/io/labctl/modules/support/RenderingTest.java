package io.labctl.modules.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ModuleException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenderingTest {
    @Test
    void karafConfigLeavesEmptyValuesOutAndEscapesBackslashes() throws ModuleException {
        String text = new KarafConfig("who wrote it\nsecond line").set("a", "x\\y").set("b", "").set("c", 7).render();
        assertEquals("# who wrote it\n# second line\na = x\\\\y\nc = 7\n", text);
    }

    @Test
    void karafConfigRefusesWhatItCannotWriteFaithfully() {
        KarafConfig config = new KarafConfig("h");
        assertTrue(assertThrows(ModuleException.class, () -> config.set("url", "a\nb")).getMessage().contains("'url'"));
        assertTrue(assertThrows(ModuleException.class, () -> config.set("url", "${karaf.home}")).getMessage()
                .contains("substitute"));
        assertTrue(assertThrows(ModuleException.class, () -> config.set("url", " padded")).getMessage().contains("spaces"));
    }

    @Test
    void yamlValuesCannotChangeTheDocumentsStructure() {
        String text = new YamlText("c").scalar("token", "x\"\nserver: \"evil").list("l", List.of("a\\b")).render();
        assertEquals("# c\ntoken: \"x\\\"\\nserver: \\\"evil\"\nl:\n  - \"a\\\\b\"\n", text);
        assertEquals("# c\n", new YamlText("c").scalar("k", "").list("l", List.of()).flag("f", false).render());
    }

    @Test
    void unitRendersInAFixedOrderWithJavaHomeOnlyWhenGiven() {
        String unit = new SystemdUnit("d").afterNetwork().service("ExecStart", "/x").javaHome(" ").render();
        assertTrue(unit.contains("[Unit]\nDescription=d\nWants=network-online.target\nAfter=network-online.target\n"));
        assertTrue(unit.contains("[Service]\nExecStart=/x\n\n[Install]\nWantedBy=multi-user.target\n"), unit);
        assertTrue(new SystemdUnit("d").javaHome("/usr/lib/jvm/17").render()
                .contains("Environment=\"JAVA_HOME=/usr/lib/jvm/17\"\n"));
    }

    @Test
    void directoryInputsMustBeAbsolute() throws ModuleException {
        assertEquals("/opt/labd", PathInputs.directory("installDir", "/opt/labd//"));
        assertThrows(ModuleException.class, () -> PathInputs.directory("installDir", "opt/labd"));
        assertThrows(ModuleException.class, () -> PathInputs.directory("installDir", "/opt/../etc"));
    }
}
