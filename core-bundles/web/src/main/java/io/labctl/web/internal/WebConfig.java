package io.labctl.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** labd's HTTPS front end (pid {@code io.labctl.web}); a change restarts the component. */
@ObjectClassDefinition(name = "labd web front end",
        description = "HTTPS (mutual TLS) REST and WebSocket listener of labd")
public @interface WebConfig {

    @AttributeDefinition(description = "Address to listen on; 0.0.0.0 for every interface")
    String host() default "0.0.0.0";

    @AttributeDefinition(description = "TCP port (0 picks a free one)")
    int port() default 8443;

    @AttributeDefinition(description = "URL clients use to reach labd, written into credential bundles; "
            + "empty: https://<host or canonical host name>:<port>")
    String advertiseUrl() default "";

    @AttributeDefinition(description = "Comma-separated DNS names and IP addresses for the server certificate; "
            + "empty: the local host names, localhost, 127.0.0.1, ::1")
    String subjectAltNames() default "";

    @AttributeDefinition(description = "Validity of labd's own TLS certificate in days (renewed in place at two thirds)")
    int serverCertificateDays() default 90;

    @AttributeDefinition(description = "Largest number of HTTP worker threads")
    int maxThreads() default 200;

    @AttributeDefinition(description = "Idle timeout of an HTTP connection, seconds")
    int idleTimeoutSeconds() default 30;

    @AttributeDefinition(description = "Idle timeout of a WebSocket connection, seconds (peers must ping more often)")
    int socketIdleTimeoutSeconds() default 60;

    @AttributeDefinition(description = "Idle timeout of a request through /proxy (a watch, a log follow, an exec), "
            + "seconds: a silent watch stays open this long")
    int proxyIdleTimeoutSeconds() default 1800;

    @AttributeDefinition(description = "How often users' open streams (exec, logs) are re-checked against revocations"
            + " and access rules, in milliseconds; a stream whose access ended is closed on the next check")
    int streamRecheckMillis() default 250;
}
