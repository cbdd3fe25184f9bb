package io.labctl.itests.support;

import java.io.IOException;
import java.util.Collections;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/** Copies of built bundles with something changed, for tests that need another version of one. */
public final class Jars {
    private Jars() {}

    /** Copies every entry of {@code in} into {@code out} except those whose name {@code skip} accepts. */
    public static void copyEntries(JarFile in, JarOutputStream out, Predicate<String> skip) throws IOException {
        for (JarEntry e : Collections.list(in.entries())) {
            if (skip.test(e.getName())) {
                continue;
            }
            out.putNextEntry(new JarEntry(e.getName()));
            try (var content = in.getInputStream(e)) {
                content.transferTo(out);
            }
            out.closeEntry();
        }
    }
}
