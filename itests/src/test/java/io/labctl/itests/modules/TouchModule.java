package io.labctl.itests.modules;

import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ModuleContext;
import java.nio.file.Path;

/**
 * A module bundle for tests, made by {@link #jar}: it registers the ConfigurationModule "touch", which writes the file
 * named by the input {@code path} with the server's name, and removes it on removal.
 */
public class TouchModule extends TestModuleBundle {
    public static final String NAME = "touch";

    public TouchModule() {
        super(NAME);
    }

    @Override
    public DesiredState desiredState(ModuleContext context) {
        return new DesiredState().add(new FileResource(context.inputs().string("path"))
                .content("managed on " + context.server() + "\n"));
    }

    /** The module's bundle at a version, importing the module API in the given range. */
    public static Path jar(Path dir, String version, String apiRange) throws Exception {
        return jar(TouchModule.class, NAME, dir, version, apiRange, null);
    }
}
