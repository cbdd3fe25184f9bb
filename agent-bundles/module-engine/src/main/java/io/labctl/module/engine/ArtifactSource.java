package io.labctl.module.engine;

import java.io.IOException;
import java.io.InputStream;

public interface ArtifactSource {
    InputStream open(String name, String version) throws IOException;
}
