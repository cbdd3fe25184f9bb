package io.labctl.sources.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Module projects as an author keeps them, in real git repositories made in the test: the shape the module archetype
 * generates (a ConfigurationModule, module.yaml, a test through the module test kit), built against this build's
 * labctl artifacts.
 */
final class ModuleProjects {
    static final String LABCTL_VERSION = System.getProperty("labctl.version", "0.1.0-SNAPSHOT");
    static final String JUNIT_VERSION = System.getProperty("junit.version", "5.11.4");
    static final String BUNDLE_PLUGIN_VERSION = System.getProperty("bundle.plugin.version", "6.2.0");
    static final String GOOD_TEST = """
            EngineRun run = ModuleTester.of(new Module()).server("web-1").root(root).apply();
            assertEquals(1, run.changed(), run.results().toString());
            assertEquals(0, ModuleTester.of(new Module()).server("web-1").root(root).apply().changed());
            """;

    private ModuleProjects() {}

    /** A repository at {@code dir} whose first commit holds module {@code name} at {@code version}. */
    static Git create(Path dir, String name, String version, String testBody) throws IOException, GitAPIException {
        Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        write(dir, name, version, testBody);
        commit(git, "module " + name + " " + version);
        return git;
    }

    static String commit(Git git, String message) throws GitAPIException {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("Module Author", "author@example.com");
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).call().getName();
    }

    /** The project's files; {@code testBody} is the body of its one test (null: no test at all). */
    static void write(Path dir, String name, String version, String testBody) throws IOException {
        String pkg = "com.example." + name.replace('-', '_');
        Path main = Files.createDirectories(dir.resolve("src/main/java/" + pkg.replace('.', '/') + "/internal"));
        Files.createDirectories(dir.resolve("src/main/resources"));
        Files.writeString(dir.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId><artifactId>NAME-module</artifactId><version>VERSION</version>
                  <packaging>bundle</packaging>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                    <dependency><groupId>io.labctl</groupId><artifactId>labctl-module-api</artifactId><version>LABCTL</version><scope>provided</scope></dependency>
                    <dependency><groupId>org.osgi</groupId><artifactId>osgi.annotation</artifactId><version>8.1.0</version><scope>provided</scope></dependency>
                    <dependency><groupId>org.osgi</groupId><artifactId>org.osgi.service.component.annotations</artifactId><version>1.5.1</version><scope>provided</scope></dependency>
                    <dependency><groupId>io.labctl</groupId><artifactId>labctl-module-testkit</artifactId><version>LABCTL</version><scope>test</scope></dependency>
                    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>JUNIT</version><scope>test</scope></dependency>
                  </dependencies>
                  <build>
                    <resources><resource><directory>src/main/resources</directory><filtering>true</filtering></resource></resources>
                    <pluginManagement><plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-install-plugin</artifactId><version>3.1.3</version></plugin>
                    </plugins></pluginManagement>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.felix</groupId><artifactId>maven-bundle-plugin</artifactId><version>BUNDLE</version>
                        <extensions>true</extensions>
                        <configuration><instructions>
                          <Bundle-SymbolicName>PKG</Bundle-SymbolicName>
                          <Private-Package>PKG.internal</Private-Package>
                          <Export-Package />
                          <_noimportjava>true</_noimportjava>
                          <_dsannotations-options>norequirements</_dsannotations-options>
                        </instructions></configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.replace("NAME", name).replace("VERSION", version).replace("LABCTL", LABCTL_VERSION)
                .replace("JUNIT", JUNIT_VERSION).replace("BUNDLE", BUNDLE_PLUGIN_VERSION).replace("PKG", pkg));
        Files.writeString(dir.resolve("src/main/resources/module.yaml"), "name: " + name + "\nversion: ${project.version}\n"
                + "description: " + name + " built from git in a test\n");
        Files.writeString(main.resolve("Module.java"), """
                package PKG.internal;

                import io.labctl.module.ConfigurationModule;
                import io.labctl.module.DesiredState;
                import io.labctl.module.FileResource;
                import io.labctl.module.ModuleContext;
                import org.osgi.service.component.annotations.Component;

                @Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=@@NAME@@")
                public class Module implements ConfigurationModule {
                    @Override
                    public DesiredState desiredState(ModuleContext context) {
                        return new DesiredState().add(new FileResource("/etc/@@NAME@@.conf").content("version @@VERSION@@\\n").mode(0644));
                    }
                }
                """.replace("PKG", pkg).replace("@@NAME@@", name).replace("@@VERSION@@", version));
        Path tests = dir.resolve("src/test/java/" + pkg.replace('.', '/') + "/internal");
        if (testBody == null) {
            if (Files.isDirectory(dir.resolve("src/test"))) {
                BuildService.deleteTree(dir.resolve("src/test"));
            }
            return;
        }
        Files.createDirectories(tests);
        Files.writeString(tests.resolve("ModuleTest.java"), """
                package PKG.internal;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                import io.labctl.module.engine.EngineRun;
                import io.labctl.module.testkit.ModuleTester;
                import java.nio.file.Path;
                import org.junit.jupiter.api.Test;
                import org.junit.jupiter.api.io.TempDir;

                class ModuleTest {
                    @TempDir
                    Path root;

                    @Test
                    void applies() throws Exception {
                BODY    }
                }
                """.replace("PKG", pkg).replace("BODY", testBody.indent(8)));
    }
}
