package io.labctl.shell;

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

/**
 * What Karaf's shell needs to find and build a capability's lab: commands reflectively, checked without a
 * container: every command in the package is a public {@code @Service} in scope {@code lab} with a shell verb of
 * its own, and every completer it names is a public {@code @Service}.
 */
public final class ShellCommands {
    private ShellCommands() {}

    /** Checks the commands in the package of {@code anyClassOfThePackage}; they must be exactly {@code names}. */
    public static void assertCommands(Class<?> anyClassOfThePackage, Set<String> names) throws Exception {
        Set<String> found = new HashSet<>();
        Set<String> verbs = new HashSet<>();
        for (Class<?> c : classesOfPackage(anyClassOfThePackage)) {
            if (!LabCommand.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())) {
                continue;
            }
            assertTrue(Modifier.isPublic(c.getModifiers()), c + " must be public: Karaf instantiates it");
            assertNotNull(c.getAnnotation(Service.class), c + " needs @Service");
            Command cmd = c.getAnnotation(Command.class);
            assertNotNull(cmd, c + " needs @Command");
            assertEquals("lab", cmd.scope(), c.getName());
            assertTrue(found.add(cmd.name()), "duplicate command " + cmd.name());
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
        assertEquals(names, found);
    }

    private static List<Class<?>> classesOfPackage(Class<?> anyClass) throws Exception {
        String pkg = anyClass.getPackageName();
        Path dir = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(pkg.replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .<Class<?>>map(n -> load(pkg + "." + n.substring(0, n.length() - 6))).toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
