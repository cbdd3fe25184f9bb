package io.labctl.sources.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "labd custom modules from git",
        description = "How labd clones, builds (Maven in a bubblewrap sandbox) and checks custom modules")
public @interface SourcesConfig {
    @AttributeDefinition(description = "Where builds get their own folders (deleted after each build); on the same"
            + " file system as the repositories below, so they are linked rather than copied."
            + " ${karaf.data} is resolved from the system property.")
    String workDirectory() default "${karaf.data}/builds";

    @AttributeDefinition(description = "Maven repositories (local-repository layout) the build reads, comma-separated, "
            + "later ones winning: first a warm cache with the plugins and libraries module builds use, then labd's own"
            + " API artifacts (labctl-module-api, labctl-module-testkit and their parents), so a module compiles against"
            + " exactly this labd (the distribution's build-api). Readable by the build user. ${karaf.home} and"
            + " ${user.home} are resolved; one that is not there is left out and named in the build's log. By default:"
            + " a cache warmed for labd, else the Maven cache of labd's user (on a machine that built labctl it holds"
            + " every plugin a module build uses), then the distribution's build-api.")
    String repositories() default "${karaf.home}/build-cache,${user.home}/.m2/repository,${karaf.home}/build-api";

    @AttributeDefinition(description = "Numeric user id the build runs as when labd runs as root (nobody by default)")
    int buildUid() default 65534;

    @AttributeDefinition(description = "Numeric group id the build runs as when labd runs as root")
    int buildGid() default 65534;

    @AttributeDefinition(description = "Supplementary group ids of the build (comma-separated), e.g. the group that"
            + " owns the repositories when they are not world-readable; none by default")
    String buildGroups() default "";

    @AttributeDefinition(description = "Longest a build may run, in seconds: past it the build and everything it"
            + " started are killed and nothing is published")
    int buildTimeoutSeconds() default 600;

    @AttributeDefinition(description = "Memory cap of a build and everything it starts, in MiB (a cgroup where labd"
            + " may make one; otherwise Maven's and the tests' heaps only)")
    int memoryMiB() default 2048;

    @AttributeDefinition(description = "Longest a clone or fetch may wait on the remote, in seconds")
    int cloneTimeoutSeconds() default 60;

    @AttributeDefinition(description = "Maven's home folder (with bin/mvn); empty: found from mvn on the PATH")
    String mavenHome() default "";

    @AttributeDefinition(description = "The JDK builds run on; empty: labd's own (java.home)")
    String javaHome() default "";

    @AttributeDefinition(description = "The git servers labd clones from over ssh://, in OpenSSH known_hosts format:"
            + " a server whose host key is not in it is refused (add one with ssh-keyscan after checking its"
            + " fingerprint). ${karaf.etc} is resolved.")
    String knownHostsFile() default "${karaf.etc}/git_known_hosts";

    @AttributeDefinition(description = "The bubblewrap executable")
    String bwrap() default "bwrap";

    @AttributeDefinition(description = "Most of a build's log kept, in KiB (its end is kept when it is longer)")
    int maxLogKiB() default 512;
}
