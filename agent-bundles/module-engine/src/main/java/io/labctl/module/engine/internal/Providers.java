package io.labctl.module.engine.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.labctl.module.Resource;

/** The one provider of each resource type. */
public final class Providers {
    private final Map<Class<?>, Provider<?>> byType = List.<Provider<?>>of(new FileProvider(), new DirectoryProvider(),
                    new SymlinkProvider(), new LineProvider(), new PackageProvider(), new ServiceProvider(),
                    new UserProvider(), new GroupProvider(), new SysctlProvider(), new CommandProvider(),
                    new ArtifactProvider())
            .stream().collect(Collectors.toUnmodifiableMap(Provider::type, Function.identity()));

    /** Plans one resource with its type's provider. */
    public Change plan(Resource resource, RunContext run) throws IOException {
        return planWith(provider(resource), resource, run);
    }

    private Provider<?> provider(Resource resource) throws IOException {
        Provider<?> provider = byType.get(resource.getClass());
        if (provider == null) {
            throw new IOException("no provider for " + resource.getClass().getName());
        }
        return provider;
    }

    private static <R extends Resource> Change planWith(Provider<R> provider, Resource resource, RunContext run)
            throws IOException {
        return provider.plan(provider.type().cast(resource), run);
    }
}
