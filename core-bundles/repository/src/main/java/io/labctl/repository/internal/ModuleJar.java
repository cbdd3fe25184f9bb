package io.labctl.repository.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.modules.ManifestClauses;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.osgi.framework.Version;

/**
 * The checks a module jar passes before it is stored: a valid {@code module.yaml} at its root, an OSGi bundle whose
 * Bundle-Version is the descriptor's version (major.minor.micro; a build qualifier such as SNAPSHOT is ignored), and
 * an import of {@code io.labctl.module}. The import is required: a module that embeds the module API instead would
 * register a ConfigurationModule the agent never sees. Its version range is left to the agent, which knows its own
 * API version. Every problem is named in one refusal.
 */
final class ModuleJar {
    static final String DESCRIPTOR = "module.yaml";
    static final String MODULE_API = "io.labctl.module";
    private static final int MAX_DESCRIPTOR_BYTES = 256 * 1024;

    private ModuleJar() {}

    static Classified check(String fileName, JarFile jar, String name, String version) throws IOException {
        JarBounds.check(fileName, jar);
        List<String> problems = new ArrayList<>();
        ModuleDescriptor descriptor = descriptor(jar, problems);
        Manifest manifest = jar.getManifest();
        Attributes main = manifest == null ? null : manifest.getMainAttributes();
        if (main == null) {
            problems.add("it has no META-INF/MANIFEST.MF: build it as an OSGi bundle");
        } else {
            if (main.getValue("Bundle-SymbolicName") == null) {
                problems.add("its manifest has no Bundle-SymbolicName: it is not an OSGi bundle");
            }
            checkVersion(main.getValue("Bundle-Version"), descriptor, problems);
            Set<String> registered = ComponentNames.of(jar, main.getValue("Service-Component"), problems);
            if (descriptor != null && !registered.isEmpty() && !registered.contains(descriptor.name())) {
                problems.add("its components register the module as " + String.join(", ", registered) + " ("
                        + ComponentNames.PROPERTY + ") but module.yaml names it " + descriptor.name() + ": the agent"
                        + " looks for the name in module.yaml; make them the same");
            }
            if (!imports(main.getValue("Import-Package"), MODULE_API)) {
                problems.add("it does not import the package " + MODULE_API + ": a module uses the agent's module API"
                        + " and must not embed it (depend on labctl-module-api with scope provided)");
            }
        }
        if (descriptor != null && name != null && !name.equals(descriptor.name())) {
            problems.add("the name given (" + name + ") is not the module's name in module.yaml (" + descriptor.name()
                    + "); leave --name out for a module");
        }
        if (descriptor != null && version != null && !version.equals(descriptor.version())) {
            problems.add("the version given (" + version + ") is not the module's version in module.yaml ("
                    + descriptor.version() + "); leave --version out for a module");
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid-module", fileName + " is not a valid module: "
                    + String.join("; ", problems));
        }
        return new Classified(RepoEntry.MODULE, descriptor.name(), descriptor.version(), descriptor);
    }

    private static ModuleDescriptor descriptor(JarFile jar, List<String> problems) throws IOException {
        ZipEntry entry = jar.getEntry(DESCRIPTOR);
        byte[] yaml;
        try (InputStream in = jar.getInputStream(entry)) {
            yaml = in.readNBytes(MAX_DESCRIPTOR_BYTES + 1);
        }
        try {
            return ModuleDescriptor.parse(yaml);
        } catch (InvalidInput e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static void checkVersion(String bundleVersion, ModuleDescriptor descriptor, List<String> problems) {
        if (bundleVersion == null) {
            problems.add("its manifest has no Bundle-Version");
            return;
        }
        Version bundle;
        try {
            bundle = Version.parseVersion(bundleVersion.strip());
        } catch (IllegalArgumentException e) {
            problems.add("its Bundle-Version '" + bundleVersion + "' is not an OSGi version");
            return;
        }
        if (descriptor == null) {
            return;
        }
        Version declared = Version.parseVersion(descriptor.version());
        if (bundle.getMajor() != declared.getMajor() || bundle.getMinor() != declared.getMinor()
                || bundle.getMicro() != declared.getMicro()) {
            problems.add("module.yaml says version " + descriptor.version() + " but the bundle's Bundle-Version is "
                    + bundleVersion + ": make them the same");
        }
    }

    /** True if the Import-Package header names the package. */
    static boolean imports(String header, String pkg) {
        return ManifestClauses.names(header).contains(pkg);
    }
}
