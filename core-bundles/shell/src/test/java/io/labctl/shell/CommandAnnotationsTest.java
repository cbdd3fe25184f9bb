package io.labctl.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;

/** What Karaf's shell needs to find and build the commands reflectively, checked without a container. */
class CommandAnnotationsTest {

    private static List<Class<?>> bundleClasses() throws Exception {
        Path dir = Path.of(LabCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(LabCommand.class.getPackageName().replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .<Class<?>>map(n -> load(LabCommand.class.getPackageName() + "." + n.substring(0, n.length() - 6)))
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyCommandIsAPublicLabServiceWithItsOwnShellVerb() throws Exception {
        Set<String> names = new HashSet<>();
        Set<String> verbs = new HashSet<>();
        for (Class<?> c : bundleClasses()) {
            if (!LabCommand.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())) {
                continue;
            }
            assertTrue(Modifier.isPublic(c.getModifiers()), c + " must be public: Karaf instantiates it");
            assertNotNull(c.getAnnotation(Service.class), c + " needs @Service");
            Command cmd = c.getAnnotation(Command.class);
            assertEquals("lab", cmd.scope(), c.getName());
            assertTrue(names.add(cmd.name()), "duplicate command " + cmd.name());
            LabCommand instance = (LabCommand) c.getConstructor().newInstance();
            Field verb = LabCommand.class.getDeclaredField("verb");
            verb.setAccessible(true);
            String v = (String) verb.get(instance);
            assertTrue(v.startsWith("shell."), v);
            assertTrue(verbs.add(v), "duplicate verb " + v);
            for (Field f : c.getDeclaredFields()) {
                Completion completion = f.getAnnotation(Completion.class);
                if (completion != null) {
                    assertNotNull(completion.value().getAnnotation(Service.class), completion.value() + " needs @Service");
                    assertTrue(Modifier.isPublic(completion.value().getModifiers()), completion.value() + " must be public");
                }
            }
        }
        assertEquals(Set.of("servers", "server-delete", "tokens", "token-create", "token-revoke", "users", "user-delete",
                "roles", "role-create", "role-delete", "bind", "unbind", "can-i", "audit", "audit-verify", "ca"), names);
    }
}
