package io.labctl.repository.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.apps.AppDescriptor;
import io.labctl.protocol.modules.RepoCoordinates;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarFile;
import java.util.zip.ZipException;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Tells what a received file is. A jar with {@code module.yaml} at its root is a module (checked by
 * {@link ModuleJar}; its NAME/VERSION come from the descriptor); a jar with {@code app/app.yaml} is an app (checked
 * by {@link AppJar}, NAME/VERSION from app.yaml); an XML file whose root element is {@code features}
 * is a Karaf feature descriptor; anything else is a plain artifact. Features and artifacts need a version, and
 * artifacts a name, from the pusher.
 */
final class ContentClassifier {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private ContentClassifier() {}

    static Classified classify(String fileName, Path file, String name, String version) {
        try {
            if (name != null) {
                RepoCoordinates.requireName(name);
            }
            if (version != null) {
                RepoCoordinates.requireVersion(version);
            }
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
        if (isZip(file)) {
            try (JarFile jar = new JarFile(file.toFile())) {
                if (jar.getEntry(ModuleJar.DESCRIPTOR) != null) {
                    return ModuleJar.check(fileName, jar, name, version);
                }
                if (jar.getEntry(AppDescriptor.APP_YAML) != null) {
                    return AppJar.check(fileName, jar, name, version);
                }
            } catch (ZipException e) {
                // starts like a zip but is none: an artifact like any other
            } catch (IOException e) {
                throw ApiException.badRequest("unreadable-jar", fileName + " cannot be read as a jar: " + e.getMessage());
            }
            return plain(RepoEntry.ARTIFACT, fileName, name, version, fileName + " is a jar without " + ModuleJar.DESCRIPTOR
                    + " at its root, so it is not a module (a module's descriptor goes in src/main/resources/module.yaml);"
                    + " to store it as a plain artifact");
        }
        String featuresName = featuresName(file);
        if (featuresName != null) {
            return plain(RepoEntry.FEATURE, fileName, name != null ? name : nameOrNull(featuresName), version,
                    fileName + " is a Karaf features file; to store it");
        }
        return plain(RepoEntry.ARTIFACT, fileName, name, version, fileName + " is not a module; to store it as an artifact");
    }

    private static Classified plain(String kind, String fileName, String name, String version, String what) {
        if (name == null || version == null) {
            throw ApiException.badRequest("name-and-version-needed", what + ", give "
                    + (name == null && version == null ? "its name and version" : name == null ? "its name" : "its version")
                    + " (labctl repo push " + fileName + " --name NAME --version VERSION)");
        }
        return new Classified(kind, name, version, null);
    }

    /** A features file's own name when it is a valid entry name, else null (then the pusher names it). */
    private static String nameOrNull(String featuresName) {
        try {
            return RepoCoordinates.requireName(featuresName);
        } catch (InvalidInput e) {
            return null;
        }
    }

    private static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(ZIP_MAGIC.length), ZIP_MAGIC);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read back the received file " + file, e);
        }
    }

    /**
     * The name attribute of the root element when the file is XML with root {@code features} ("" when it has no
     * name), else null. DTDs and external entities are off: the file comes from outside.
     */
    static String featuresName(Path file) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader xml = factory.createXMLStreamReader(in);
            try {
                while (xml.hasNext()) {
                    if (xml.next() == XMLStreamReader.START_ELEMENT) {
                        if (!"features".equals(xml.getLocalName())) {
                            return null;
                        }
                        String name = xml.getAttributeValue(null, "name");
                        return name == null ? "" : name;
                    }
                }
                return null;
            } finally {
                xml.close();
            }
        } catch (XMLStreamException | RuntimeException e) {
            return null;  // not XML: an artifact
        } catch (IOException e) {
            throw new IllegalStateException("cannot read back the received file " + file, e);
        }
    }
}
