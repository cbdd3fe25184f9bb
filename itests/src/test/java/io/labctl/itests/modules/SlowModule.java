package io.labctl.itests.modules;

import io.labctl.module.CommandResource;
import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ModuleContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * A module bundle for tests of runs that take a while, made by {@link #jar} with its module.yaml: "slow" waits
 * {@code seconds} (a command guarded by the file it leads to), then writes the file {@code path}. Once the file is
 * there, applying it again changes nothing and waits no more.
 */
public class SlowModule implements BundleActivator, ConfigurationModule {
    public static final String NAME = "slow";

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ConfigurationModule.NAME, NAME);
        context.registerService(ConfigurationModule.class, this, properties);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }

    @Override
    public DesiredState desiredState(ModuleContext context) {
        String path = context.inputs().string("path");
        long seconds = context.inputs().integer("seconds");
        return new DesiredState()
                .add(new CommandResource("wait", "sleep", Long.toString(seconds)).creates(path))
                .add(new FileResource(path).content("written on " + context.server() + "\n").requires("command:wait"));
    }

    @Override
    public DesiredState removal(ModuleContext context) {
        return new DesiredState().add(new FileResource(context.inputs().string("path")).absent());
    }

    /** The module's bundle, version 1.0.0, ready for labctl repo push. */
    public static Path jar(Path dir) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.labctl.itests.modules.slow");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "io.labctl.module;version=\"[1.0,2)\",org.osgi.framework");
        main.putValue("Bundle-Activator", SlowModule.class.getName());
        Path jar = dir.resolve("slow-1.0.0.jar");
        String classFile = SlowModule.class.getName().replace('.', '/') + ".class";
        String descriptor = "name: " + NAME + "\nversion: 1.0.0\ndescription: waits, then writes a file\ninputs:\n"
                + "  path: { type: string, required: true }\n  seconds: { type: integer, default: 0 }\n";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = SlowModule.class.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry("module.yaml"));
            out.write(descriptor.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
