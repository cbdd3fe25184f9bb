package io.labctl.modules.example.site.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.GroupResource;
import io.labctl.module.Health;
import io.labctl.module.LineResource;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.PackageResource;
import io.labctl.module.ServiceResource;
import io.labctl.module.SymlinkResource;
import io.labctl.module.UserResource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** The example site: every kind of resource a typical service needs, in dependency order. */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=example-site")
public class SiteModule implements ConfigurationModule {
    static final String ROOT = "/srv/example-site";
    static final String CONFIG = "/etc/example-site/site.conf";
    static final String UNIT = "example-site.service";

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        String pkg = context.inputs().string("package");
        DesiredState state = new DesiredState()
                .add(new GroupResource("site").system(true))
                .add(new UserResource("site").system(true).home(ROOT).shell("/usr/sbin/nologin").requires("group:site"))
                .add(new PackageResource(pkg))
                .add(new DirectoryResource(ROOT).owner("site").group("site").mode(0755).requires("user:site"))
                .add(new FileResource(ROOT + "/index.html").template("{{greeting}} from {{server}}\n")
                        .owner("site").group("site").mode(0644).requires("directory:" + ROOT))
                .add(new SymlinkResource(ROOT + "/current", ROOT + "/index.html").requires("file:" + ROOT + "/index.html"))
                .add(new DirectoryResource("/etc/example-site").mode(0755))
                .add(new FileResource("/etc/example-site/api.key").content(context.inputs().secret("apiKey"))
                        .owner("site").group("site").mode(0600).requires("directory:/etc/example-site", "user:site"))
                .add(new LineResource(CONFIG, "port=" + context.inputs().integer("port")).replacing("^port=.*")
                        .requires("directory:/etc/example-site"));
        // the unit serves nothing real (a minimal machine has no web server): it stands for the site's process
        state.add(new ServiceResource(UNIT).enabled(true).running(true)
                .unitFile("[Unit]\nDescription=example site\n\n[Service]\nUser=site\nExecStart=/bin/sleep infinity\n\n"
                        + "[Install]\nWantedBy=multi-user.target\n")
                .watches("file:" + ROOT + "/index.html", "line:" + CONFIG + ":port=" + context.inputs().integer("port"))
                .requires("user:site", "package:" + pkg, "file:/etc/example-site/api.key"));
        return state;
    }

    @Override
    public DesiredState removal(ModuleContext context) {
        // the service goes; the user, its files and the package stay (data is never removed by a module's removal)
        return new DesiredState().add(new ServiceResource(UNIT).enabled(false).running(false));
    }

    @Override
    public Health health(ModuleContext context) {
        try {
            var active = context.run(List.of("systemctl", "is-active", UNIT), Duration.ofSeconds(10));
            return active.exitCode() == 0 ? Health.healthy() : Health.unhealthy(UNIT + " is " + active.stdout().strip());
        } catch (IOException e) {
            return Health.unhealthy("cannot ask systemd: " + e.getMessage());
        }
    }
}
