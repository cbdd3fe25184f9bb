package io.labctl.itests.modules;

import io.labctl.module.CommandResource;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ModuleContext;
import java.nio.file.Path;

/**
 * A module bundle for tests of runs that take a while, made by {@link #jar} with its module.yaml: "slow" waits
 * {@code seconds} (a command guarded by the file it leads to), then writes the file {@code path}. Once the file is
 * there, applying it again changes nothing and waits no more.
 */
public class SlowModule extends TestModuleBundle {
    public static final String NAME = "slow";

    public SlowModule() {
        super(NAME);
    }

    @Override
    public DesiredState desiredState(ModuleContext context) {
        String path = context.inputs().string("path");
        long seconds = context.inputs().integer("seconds");
        return new DesiredState()
                .add(new CommandResource("wait", "sleep", Long.toString(seconds)).creates(path))
                .add(new FileResource(path).content("written on " + context.server() + "\n").requires("command:wait"));
    }

    /** The module's bundle, version 1.0.0, ready for labctl repo push. */
    public static Path jar(Path dir) throws Exception {
        return jar(SlowModule.class, NAME, dir, "1.0.0", "[1.0,2)", "name: " + NAME + "\nversion: 1.0.0\n"
                + "description: waits, then writes a file\ninputs:\n"
                + "  path: { type: string, required: true }\n  seconds: { type: integer, default: 0 }\n");
    }
}
