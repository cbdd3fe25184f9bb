package io.labctl.module;

import java.util.List;

@org.osgi.annotation.versioning.ProviderType
public interface Inputs {
    boolean has(String name);

    String string(String name);

    long integer(String name);

    boolean bool(String name);

    List<String> list(String name);

    Secret secret(String name);
}
