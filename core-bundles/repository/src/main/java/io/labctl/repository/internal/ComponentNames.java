package io.labctl.repository.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The module names a jar's Declarative Services components register under ({@code labctl.module.name}), read from the
 * component descriptors its {@code Service-Component} header names. The agent looks for the name in module.yaml; a
 * component that registers another name would never be found, so the repository compares them at push.
 */
final class ComponentNames {
    static final String PROPERTY = "labctl.module.name";

    private ComponentNames() {}

    /** The names registered; problems (an unreadable descriptor) are added to the list. */
    static Set<String> of(JarFile jar, String serviceComponentHeader, List<String> problems) throws IOException {
        if (serviceComponentHeader == null || serviceComponentHeader.isBlank()) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        for (String path : descriptors(jar, serviceComponentHeader)) {
            try (InputStream in = jar.getInputStream(jar.getEntry(path))) {
                read(in, names);
            } catch (XMLStreamException e) {
                problems.add("its component descriptor " + path + " is not readable XML (" + e.getMessage() + ")");
            }
        }
        return names;
    }

    /** The entries the header names: paths, or a glob with * in the file name (OSGI-INF/*.xml). */
    private static List<String> descriptors(JarFile jar, String header) {
        List<String> out = new ArrayList<>();
        for (String clause : header.split(",")) {
            String path = clause.split(";")[0].strip();
            if (path.contains("*")) {
                Pattern glob = Pattern.compile(Pattern.quote(path).replace("*", "\\E[^/]*\\Q"));
                Collections.list(jar.entries()).stream().map(ZipEntry::getName)
                        .filter(n -> glob.matcher(n).matches()).forEach(out::add);
            } else if (jar.getEntry(path) != null) {
                out.add(path);
            }
        }
        return out;
    }

    private static void read(InputStream in, Set<String> names) throws XMLStreamException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        XMLStreamReader xml = factory.createXMLStreamReader(in);
        try {
            while (xml.hasNext()) {
                if (xml.next() == XMLStreamReader.START_ELEMENT && "property".equals(xml.getLocalName())
                        && PROPERTY.equals(xml.getAttributeValue(null, "name"))) {
                    String value = xml.getAttributeValue(null, "value");
                    names.add((value != null ? value : xml.getElementText()).strip());
                }
            }
        } finally {
            xml.close();
        }
    }
}
