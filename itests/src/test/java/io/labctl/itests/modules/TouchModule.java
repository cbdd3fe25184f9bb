package io.labctl.itests.modules;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ModuleContext;
import java.io.InputStream;
import java.io.OutputStream;
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
 * A module bundle for tests, made by {@link #jar}: its one class registers the ConfigurationModule "touch", which
 * writes the file named by the input {@code path} with the server's name, and removes it on removal.
 */
public class TouchModule implements BundleActivator, ConfigurationModule {
    public static final String NAME = "touch";

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
        return new DesiredState().add(new FileResource(context.inputs().string("path"))
                .content("managed on " + context.server() + "\n"));
    }

    @Override
    public DesiredState removal(ModuleContext context) {
        return new DesiredState().add(new FileResource(context.inputs().string("path")).absent());
    }

    /** The module's bundle at a version, importing the module API in the given range. */
    public static Path jar(Path dir, String version, String apiRange) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.labctl.itests.modules.touch");
        main.putValue("Bundle-Version", version);
        main.putValue("Import-Package", "io.labctl.module;version=\"" + apiRange + "\",org.osgi.framework");
        main.putValue("Bundle-Activator", TouchModule.class.getName());
        Path jar = dir.resolve("touch-" + version + ".jar");
        String classFile = TouchModule.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = TouchModule.class.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
