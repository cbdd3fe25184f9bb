import io.labctl.protocol.modules.ManifestClauses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes a bundle's API jar for the baseline check: its manifest and the classes of the packages it exports,
 * nothing else (no private code, no embedded libraries). Run by refresh.sh:
 * {@code java StripToApi BUNDLE.jar API.jar RELEASE-VERSION}; exits 3 when the bundle exports nothing. It reads the
 * Export-Package header with the protocol bundle's ManifestClauses (on its class path), as labd and lab-agent do.
 */
public class StripToApi {
    private static final long FIXED_TIME = 315964800000L; // 1980-01-06, a time every zip tool can store

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: java StripToApi BUNDLE.jar API.jar RELEASE-VERSION");
            System.exit(2);
        }
        try (JarFile bundle = new JarFile(args[0])) {
            Manifest manifest = bundle.getManifest();
            String exports = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
            List<String> packages = ManifestClauses.names(exports);
            if (packages.isEmpty()) {
                System.exit(3);
            }
            // the release's version; no build time, so that the same API gives the same manifest
            manifest.getMainAttributes().putValue("Bundle-Version", args[2]);
            manifest.getMainAttributes().remove(new Attributes.Name("Bnd-LastModified"));
            Files.createDirectories(Path.of(args[1]).toAbsolutePath().getParent());
            try (OutputStream file = Files.newOutputStream(Path.of(args[1]));
                 JarOutputStream api = new JarOutputStream(file)) {
                api.putNextEntry(entry(JarFile.MANIFEST_NAME));
                manifest.write(api);
                api.closeEntry();
                for (JarEntry entry : bundle.stream().sorted(Comparator.comparing(JarEntry::getName)).toList()) {
                    if (!entry.isDirectory() && inPackage(entry.getName(), packages)) {
                        api.putNextEntry(entry(entry.getName()));
                        try (InputStream in = bundle.getInputStream(entry)) {
                            in.transferTo(api);
                        }
                        api.closeEntry();
                    }
                }
            }
            System.out.println(String.join(" ", packages));
        }
    }

    /** A fixed time on every entry: the same API gives the same bytes (refreshing an unchanged API changes nothing). */
    private static JarEntry entry(String name) {
        JarEntry entry = new JarEntry(name);
        entry.setTime(FIXED_TIME);
        return entry;
    }

    /** A class or resource directly in one of the packages (a subpackage is exported, or not, on its own). */
    private static boolean inPackage(String entry, List<String> packages) {
        int slash = entry.lastIndexOf('/');
        String dir = slash < 0 ? "" : entry.substring(0, slash).replace('/', '.');
        return packages.contains(dir);
    }
}
