package io.labctl.modules.labd.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.ServiceResource;
import io.labctl.modules.support.KarafConfig;
import io.labctl.modules.support.PathInputs;
import io.labctl.modules.support.Removal;
import io.labctl.modules.support.SystemdUnit;
import org.osgi.service.component.annotations.Component;

/**
 * labd on an external PostgreSQL. The persistence component (PID {@code io.labctl.persistence}) reads
 * {@code jdbcUrl}, {@code user}, {@code passwordFile} and {@code poolSize}; the password goes into the file
 * {@code passwordFile} names rather than into the .cfg itself, because Karaf copies a .cfg's values into its
 * configuration store under data/ and would substitute a {@code ${...}} in them.
 */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=labd")
public final class LabdModule implements ConfigurationModule {
    static final String UNIT = "labd.service";

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        Inputs in = context.inputs();
        String home = PathInputs.directory("installDir", in.string("installDir"));
        String jdbcUrl = in.string("jdbcUrl").strip();
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new ModuleException("input 'jdbcUrl' must be a PostgreSQL JDBC URL such as"
                    + " jdbc:postgresql://db.example.org:5432/labd, not '" + jdbcUrl + "'");
        }
        if (in.integer("poolSize") < 1) {
            throw new ModuleException("input 'poolSize' must be at least 1");
        }
        FileResource password = new FileResource(passwordFile(home)).content(in.secret("dbPassword")).mode(0600);
        FileResource config = new FileResource(persistenceConfig(home))
                .content(new KarafConfig("labd's database. Written by the labd configuration module: edits are"
                        + " reverted;\nchange the module's inputs instead.")
                        .set("jdbcUrl", jdbcUrl)
                        .set("user", in.string("dbUser").strip())
                        .set("passwordFile", passwordFile(home))
                        .set("poolSize", in.integer("poolSize"))
                        .render())
                .mode(0600);
        DesiredState state = new DesiredState();
        state.add(password);
        state.add(config);
        state.add(new ServiceResource(UNIT).unitFile(unitFile(home, in.string("javaHome")))
                .enabled(true).running(true)
                .watches(password.id(), config.id()).requires(password.id(), config.id()));
        return state;
    }

    static String persistenceConfig(String home) {
        return home + "/etc/io.labctl.persistence.cfg";
    }

    static String passwordFile(String home) {
        return home + "/etc/database-password";
    }

    static String unitFile(String home, String javaHome) {
        return new SystemdUnit("labctl master (labd)").afterNetwork()
                .service("Type", "simple")
                // Karaf's script then execs the JVM: systemd signals labd itself, not a shell
                .service("Environment", "KARAF_EXEC=exec")
                .javaHome(javaHome)
                .service("ExecStart", home + "/bin/karaf server")
                .service("Restart", "on-failure")
                .service("RestartSec", "5")
                .service("TimeoutStopSec", "60")
                .service("SuccessExitStatus", "143")
                .render();
    }

    /** Stops labd and removes its unit and database settings; data/ and the database itself stay. */
    @Override
    public DesiredState removal(ModuleContext context) throws ModuleException {
        String home = PathInputs.directory("installDir", context.inputs().string("installDir"));
        return Removal.of(UNIT, unitFile(home, context.inputs().string("javaHome")), persistenceConfig(home),
                passwordFile(home));
    }
}
