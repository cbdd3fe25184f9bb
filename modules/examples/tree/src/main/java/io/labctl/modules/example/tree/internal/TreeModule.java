package io.labctl.modules.example.tree.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.LineResource;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.PackageResource;
import org.osgi.service.component.annotations.Component;

/** Directories, files spread over them, a line in a file and an installed package: the benchmark's state. */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=example-tree")
public class TreeModule implements ConfigurationModule {

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        String base = context.inputs().string("base");
        long dirs = context.inputs().integer("dirs");
        long files = context.inputs().integer("files");
        if (dirs < 1 || files < 0) {
            throw new ModuleException("dirs must be at least 1 and files at least 0 (got dirs=" + dirs + ", files=" + files + ")");
        }
        String content = context.inputs().string("content");
        DesiredState state = new DesiredState().add(new DirectoryResource(base).mode(0755));
        for (long d = 1; d <= dirs; d++) {
            state.add(new DirectoryResource(base + "/d" + d).mode(0755).requires("directory:" + base));
        }
        for (long f = 1; f <= files; f++) {
            String dir = base + "/d" + (1 + (f - 1) % dirs);
            state.add(new FileResource(dir + "/f" + f + ".conf").content(content + "\nfile " + f + " on " + context.server() + "\n")
                    .mode(0644).requires("directory:" + dir));
        }
        state.add(new LineResource(base + "/settings.conf", "managed=true").replacing("^managed=.*")
                .requires("directory:" + base));
        state.add(new PackageResource(context.inputs().string("package")));
        return state;
    }
}
