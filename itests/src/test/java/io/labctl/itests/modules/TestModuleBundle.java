package io.labctl.itests.modules;

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
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * What the tests' module bundles share: the bundle's activator registers the module under its name, removal deletes
 * the file its input {@code path} names, and {@link #jar} packs the module's class (with this one) into a bundle.
 */
public abstract class TestModuleBundle implements BundleActivator, ConfigurationModule {
    private final String name;

    protected TestModuleBundle(String name) {
        this.name = name;
    }

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ConfigurationModule.NAME, name);
        context.registerService(ConfigurationModule.class, this, properties);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }

    @Override
    public DesiredState removal(ModuleContext context) {
        return new DesiredState().add(new FileResource(context.inputs().string("path")).absent());
    }

    /**
     * The bundle of {@code module} at {@code version}, importing the module API in {@code apiRange}, with
     * {@code descriptor} as its module.yaml unless null, written to DIR/NAME-VERSION.jar.
     */
    static Path jar(Class<? extends TestModuleBundle> module, String name, Path dir, String version, String apiRange,
                    String descriptor) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.labctl.itests.modules." + name);
        main.putValue("Bundle-Version", version);
        main.putValue("Import-Package", "io.labctl.module;version=\"" + apiRange + "\",org.osgi.framework");
        main.putValue("Bundle-Activator", module.getName());
        Path jar = dir.resolve(name + "-" + version + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            if (descriptor != null) {
                out.putNextEntry(new JarEntry("module.yaml"));
                out.write(descriptor.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Class<?> c : List.of(module, TestModuleBundle.class)) {
                String classFile = c.getName().replace('.', '/') + ".class";
                try (InputStream in = c.getClassLoader().getResourceAsStream(classFile)) {
                    out.putNextEntry(new JarEntry(classFile));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }
}
