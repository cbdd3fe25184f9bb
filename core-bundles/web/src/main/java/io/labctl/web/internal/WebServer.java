package io.labctl.web.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.HealthCheck;
import io.labctl.api.LabdAddress;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.ProxyRoute;
import io.labctl.api.web.RestResource;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.protocol.Api;
import io.labctl.protocol.channel.Frame;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * labd's HTTPS front end: embedded Jetty 12 with mutual TLS, Jersey for the REST whiteboard under {@code /api}
 * and Jetty's native WebSocket for the socket whiteboard under {@code /ws}, and the proxy whiteboard under
 * {@code /proxy} (users' requests passed through to backends such as Kubernetes API servers). Resource services are added and
 * removed live by swapping in a new Jersey application; requests in flight end on the one they started on, and open
 * WebSockets survive it.
 */
@Component(name = WebServer.PID, configurationPid = WebServer.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = LabdAddress.class)
@Designate(ocd = WebConfig.class)
public final class WebServer implements LabdAddress {
    static final String PID = "io.labctl.web";
    /** Request line plus headers: client certificates travel in TLS, so nothing legitimate comes near this. */
    static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;
    /** Text messages are not part of the agent protocol; a small limit stops them from costing memory. */
    static final int MAX_TEXT_MESSAGE_BYTES = 4 * 1024;
    /** A relayed WebSocket message from a client (kubectl's stdin and port-forward frames are 32 KiB at most). */
    static final int MAX_PROXIED_MESSAGE_BYTES = 1024 * 1024;
    private static final Duration PROXY_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RENEWAL_CHECK = Duration.ofHours(6);
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    /**
     * jakarta.ws.rs finds its RuntimeDelegate through the thread context class loader; inside Karaf that has to be
     * the loader that holds Jersey (this bundle, since Jersey is embedded).
     */
    private static final ClassLoader JERSEY_LOADER = ResourceConfig.class.getClassLoader();
    /**
     * Jersey 3 warns that every resource registered as an instance "does not implement any provider interfaces"
     * (its known issue #3700; the routes work), and that jakarta.activation is absent (we do not use it). Kept
     * here so that operators' logs carry only real warnings. Strong references: JUL holds loggers weakly.
     */
    private static final java.util.List<java.util.logging.Logger> QUIETED = java.util.List.of(
            quiet("org.glassfish.jersey.internal.inject.Providers"),
            quiet("org.glassfish.jersey.message.internal.MessagingBinders"));

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    private final CertificateAuthority ca;
    private final PeerVerifier verifier;
    private final SocketRoutes socketRoutes;
    private final ProxyRoutes proxyRoutes;
    private final HealthResource health;
    private final Guards guards = new Guards();
    /** Refusals of callers without an accepted identity, audited at a bounded rate. */
    private final Unidentified unidentified;
    private final List<Object> resources = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "labd-web-maintenance");
        t.setDaemon(true);
        return t;
    });
    /** Its own thread: a slow Jersey reload on the maintenance thread must not delay ending a revoked stream. */
    private final ScheduledExecutorService streamChecks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "labd-stream-recheck");
        t.setDaemon(true);
        return t;
    });
    private final OpenUserStreams openStreams;
    private final AtomicBoolean reloadPending = new AtomicBoolean();
    private final ServerTls tls;
    private final Server server;
    private final ServerConnector connector;
    private final SwappableJersey jersey;
    private final String advertiseUrl;
    private volatile boolean stopped;
    private final KarafBoot boot;

    @Activate
    public WebServer(@Reference CertificateAuthority ca, WebConfig config, BundleContext context) throws Exception {
        this(ca, config, karafEtc(), bundleVersion(), context);
    }

    /** Outside OSGi (tests): etcDirectory may be null, then no admin credential bundle is written. */
    WebServer(CertificateAuthority ca, WebConfig config, Path etcDirectory, String version) throws Exception {
        this(ca, config, etcDirectory, version, null);
    }

    /** context: null outside OSGi, where labd counts as started at once (see {@link KarafBoot}). */
    private WebServer(CertificateAuthority ca, WebConfig config, Path etcDirectory, String version,
                      BundleContext context) throws Exception {
        JaxRsRuntime.install();
        // the maintenance thread runs route swaps in order: boot counts as done after those scheduled before it
        this.boot = context == null ? KarafBoot.STARTED : new KarafBoot(context, maintenance::execute);
        this.ca = ca;
        this.verifier = new PeerVerifier(ca);
        this.openStreams = new OpenUserStreams(ca, guards::access);
        this.unidentified = new Unidentified(verifier, guards::audit);
        this.socketRoutes = new SocketRoutes(verifier, guards, unidentified, openStreams);
        this.proxyRoutes = new ProxyRoutes(verifier, guards, unidentified, openStreams);
        this.health = new HealthResource(version, guards, boot::starting);

        String host = config.host() == null ? "" : config.host().trim();
        String publicHost = isAnyAddress(host) ? canonicalHostName() : host;
        String configuredUrl = config.advertiseUrl() == null ? "" : config.advertiseUrl().trim();
        List<String> altNames = subjectAltNames(config.subjectAltNames(), host, configuredUrl);
        HandshakeRefusals handshakes = new HandshakeRefusals(unidentified);
        this.tls = new ServerTls(ca, publicHost, altNames, Duration.ofDays(Math.max(1, config.serverCertificateDays())),
                handshakes);

        QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, config.maxThreads()), 4);
        threads.setName("labd-web");
        this.server = new Server(threads);
        server.setStopTimeout(2_000);

        HttpConfiguration http = new HttpConfiguration();
        http.setSecureScheme("https");
        http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setResponseHeaderSize(MAX_REQUEST_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // peers reach labd by IP, alias or load-balancer name: the certificate's names are not the gate, mTLS is
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);

        this.connector = new ServerConnector(server, new SslConnectionFactory(tls.factory(), "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost(host.isEmpty() ? null : host);
        connector.setPort(config.port());
        connector.setIdleTimeout(Duration.ofSeconds(Math.max(1, config.idleTimeoutSeconds())).toMillis());
        connector.addBean(handshakes); // SslConnection tells the connector's handshake listeners
        server.addConnector(connector);

        ServletContextHandler api = new ServletContextHandler("/api", ServletContextHandler.NO_SESSIONS);
        api.setClassLoader(JERSEY_LOADER); // Jetty makes it the TCCL while it initialises and serves the servlet
        this.jersey = new SwappableJersey(jerseyApplication());
        ServletHolder holder = new ServletHolder("jersey", jersey);
        holder.setInitOrder(0);
        api.addServlet(holder, "/*");

        ContextHandler sockets = new ContextHandler("/ws");
        sockets.setClassLoader(WebServer.class.getClassLoader());
        Duration socketIdle = Duration.ofSeconds(Math.max(1, config.socketIdleTimeoutSeconds()));
        sockets.setHandler(WebSocketUpgradeHandler.from(server, sockets, container -> {
            container.setIdleTimeout(socketIdle);
            // a user's OPEN (an exec's argument vector) may take MAX_OPEN_FRAME; SocketBridge lowers the limit to
            // MAX_FRAME on agents' sockets, which never carry an OPEN towards labd
            container.setMaxBinaryMessageSize(Frame.MAX_OPEN_FRAME);
            // one message may arrive as one WebSocket frame: Jetty's 64 KiB default frame limit is below MAX_FRAME
            container.setMaxFrameSize(Frame.MAX_OPEN_FRAME);
            container.setMaxTextMessageSize(MAX_TEXT_MESSAGE_BYTES);
            container.addMapping("/*", socketRoutes);
        }));

        ContextHandler proxy = new ContextHandler(ProxyRoutes.CONTEXT);
        proxy.setClassLoader(WebServer.class.getClassLoader());
        Duration proxyIdle = Duration.ofSeconds(Math.max(1, config.proxyIdleTimeoutSeconds()));
        WebSocketUpgradeHandler proxyUpgrades = WebSocketUpgradeHandler.from(server, proxy, container -> {
            container.setIdleTimeout(proxyIdle);
            container.setMaxBinaryMessageSize(MAX_PROXIED_MESSAGE_BYTES);
            container.setMaxFrameSize(MAX_PROXIED_MESSAGE_BYTES);
            container.setMaxTextMessageSize(MAX_PROXIED_MESSAGE_BYTES);
            container.addMapping("/*", new ProxyUpgrades(proxyRoutes, PROXY_CONNECT_TIMEOUT));
        });
        proxyUpgrades.setHandler(new ProxyHandler(proxyRoutes, proxyIdle));
        proxy.setHandler(proxyUpgrades);

        server.setHandler(new RequestIds(new ContextHandlerCollection(api, sockets, proxy)));
        server.setErrorHandler(new JsonErrorHandler(unidentified));

        withJerseyLoader(() -> {
            server.start();
            return null;
        });
        this.advertiseUrl = configuredUrl.isEmpty()
                ? "https://" + urlHost(publicHost) + ":" + connector.getLocalPort()
                : stripTrailingSlash(configuredUrl);
        LOG.info("labd web listening on {}:{} (mutual TLS), advertised as {}, server certificate for {} {}",
                host.isEmpty() ? "*" : host, connector.getLocalPort(), advertiseUrl, publicHost, altNames);

        scheduleReload(); // resources may have been bound while Jetty was starting
        long recheck = Math.max(50, config.streamRecheckMillis());
        streamChecks.scheduleWithFixedDelay(openStreams::recheck, recheck, recheck, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(this::renewServerCertificateIfDue, RENEWAL_CHECK.toMinutes(),
                RENEWAL_CHECK.toMinutes(), TimeUnit.MINUTES);

        if (etcDirectory == null) {
            LOG.warn("karaf.etc is not set: no admin credential bundle is written");
        } else {
            try {
                AdminCredentials.writeIfAbsent(ca, etcDirectory, advertiseUrl);
            } catch (Exception e) {
                // the listener stays up: the admin can still be issued credentials later
                LOG.error("could not write the admin credential bundle to {}: {}", etcDirectory, e.toString());
            }
        }
    }

    @Deactivate
    void stop() throws Exception {
        stopped = true;
        boot.close();
        maintenance.shutdownNow();
        streamChecks.shutdownNow();
        server.stop();
        JaxRsRuntime.uninstall();
        LOG.info("labd web stopped");
    }

    // ---- REST whiteboard

    @Reference(service = Object.class, target = RestResource.FILTER, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeResource")
    void addResource(Object resource) {
        resources.add(resource);
        LOG.debug("REST resource added: {}", resource.getClass().getName());
        scheduleReload();
    }

    void removeResource(Object resource) {
        resources.removeIf(r -> r == resource);
        LOG.debug("REST resource removed: {}", resource.getClass().getName());
        scheduleReload();
    }

    // ---- the guards: optional and dynamic, so that without them requests are refused rather than labd stopping

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeAccessControl")
    void setAccessControl(AccessDecisions access) {
        guards.access(access);
    }

    void removeAccessControl(AccessDecisions access) {
        if (guards.access() == access) {
            guards.access(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeGate")
    void setGate(Gate gate) {
        guards.gate(gate);
    }

    void removeGate(Gate gate) {
        if (guards.gate() == gate) {
            guards.gate(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeAuditTrail")
    void setAuditTrail(AuditWriter audit) {
        guards.audit(audit);
    }

    void removeAuditTrail(AuditWriter audit) {
        if (guards.audit() == audit) {
            guards.audit(null);
        }
    }

    // ---- what health reports besides the guards (the database)

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeHealthCheck")
    void addHealthCheck(HealthCheck check) {
        health.add(check);
    }

    void removeHealthCheck(HealthCheck check) {
        health.remove(check);
    }

    // ---- WebSocket whiteboard

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeSocketEndpoint",
            updated = "updatedSocketEndpoint")
    void addSocketEndpoint(SocketEndpoint endpoint, Map<String, Object> properties) {
        Object path = properties.get(SocketEndpoint.PATH_PROPERTY);
        if (path == null) {
            LOG.warn("socket endpoint {} has no {} property; it is not served", endpoint.getClass().getName(),
                    SocketEndpoint.PATH_PROPERTY);
            return;
        }
        SocketRoutes.Route route = SocketRoutes.route(endpoint, properties);
        if (route == null) {
            return;
        }
        socketRoutes.add(SocketRoutes.normalise(path), route);
        LOG.info("WebSocket endpoint /ws{} served by {}", SocketRoutes.normalise(path), endpoint.getClass().getName());
    }

    void updatedSocketEndpoint(SocketEndpoint endpoint, Map<String, Object> properties) {
        socketRoutes.removeEverywhere(endpoint);
        addSocketEndpoint(endpoint, properties);
    }

    void removeSocketEndpoint(SocketEndpoint endpoint, Map<String, Object> properties) {
        socketRoutes.removeEverywhere(endpoint);
        LOG.info("WebSocket endpoint {} withdrawn; its open connections are left to it",
                endpoint.getClass().getName());
    }

    // ---- proxy whiteboard

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeProxyRoute")
    void addProxyRoute(ProxyRoute route, Map<String, Object> properties) {
        proxyRoutes.add(route, properties.get(ProxyRoute.NAME_PROPERTY));
    }

    void removeProxyRoute(ProxyRoute route) {
        proxyRoutes.remove(route);
        LOG.info("proxy route {} withdrawn; its open requests end on their own", route.getClass().getName());
    }

    // ---- for tests and diagnostics

    int port() {
        return connector.getLocalPort();
    }

    String advertiseUrl() {
        return advertiseUrl;
    }

    @Override
    public String url() {
        return advertiseUrl;
    }

    /** Waits until every reload scheduled so far has run. */
    void awaitReloads() throws Exception {
        maintenance.submit(() -> { }).get(30, TimeUnit.SECONDS);
    }

    // ---- internals

    private ResourceConfig jerseyApplication() {
        ResourceConfig app = new ResourceConfig();
        app.setApplicationName("labd");
        app.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        app.property(ServerProperties.BV_FEATURE_DISABLE, true);
        // only what is registered here: no provider sneaks in from META-INF/services of an embedded jar
        app.property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        app.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        // errors without a body must not fall through to the servlet container's HTML error page
        app.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        app.register(new JsonBodyProvider(Api.MAX_BODY_BYTES));
        app.register(new EnforcementPoint(verifier, guards, unidentified));
        // Jersey looks invocation handlers up by contract, so the wrapper is bound, not registered as a provider
        app.register(new org.glassfish.jersey.internal.inject.AbstractBinder() {
            @Override
            protected void configure() {
                bind(new AuditedInvocation()).to(
                        org.glassfish.jersey.server.spi.internal.ResourceMethodInvocationHandlerProvider.class);
            }
        });
        for (Object mapper : ExceptionMappers.all(unidentified)) {
            app.register(mapper);
        }
        app.register(health);
        for (Object resource : resources) {
            List<String> problems = Declaration.problems(resource.getClass());
            if (problems.isEmpty()) {
                app.register(resource);
            } else {
                LOG.error("REST resource {} is not served: every route must declare who may call it: {}",
                        resource.getClass().getName(), problems);
            }
        }
        return app;
    }

    /** Coalesces bursts (a feature install binds several resources) into one reload on the maintenance thread. */
    private void scheduleReload() {
        if (stopped || jersey == null || !reloadPending.compareAndSet(false, true)) {
            return;
        }
        try {
            maintenance.execute(this::reload);
        } catch (RejectedExecutionException e) {
            reloadPending.set(false); // shutting down
        }
    }

    private void reload() {
        reloadPending.set(false); // a change from now on schedules another reload
        if (stopped) {
            return;
        }
        long started = System.nanoTime();
        try {
            withJerseyLoader(() -> {
                jersey.swap(jerseyApplication());
                return null;
            });
            LOG.info("REST routes reloaded with {} contributed resources in {} ms", resources.size(),
                    (System.nanoTime() - started) / 1_000_000);
        } catch (Exception | LinkageError e) {
            LOG.error("reloading the REST routes failed; contributed resources: {}",
                    resources.stream().map(r -> r.getClass().getName()).toList(), e);
        }
    }

    private void renewServerCertificateIfDue() {
        try {
            if (tls.renewalDue(Instant.now())) {
                tls.renew();
            }
        } catch (Exception e) {
            LOG.error("renewing labd's TLS certificate failed; will retry in {}", RENEWAL_CHECK, e);
        }
    }

    private interface LoaderAction<T> {
        T run() throws Exception;
    }

    private static <T> T withJerseyLoader(LoaderAction<T> action) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JERSEY_LOADER);
        try {
            return action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static boolean isAnyAddress(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static String canonicalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** Configured list, or every name this machine answers to locally, plus the listen and advertised hosts. */
    static List<String> subjectAltNames(String configured, String host, String advertiseUrl) {
        Set<String> names = new LinkedHashSet<>();
        if (configured != null && !configured.isBlank()) {
            Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
        } else {
            try {
                InetAddress local = InetAddress.getLocalHost();
                names.add(local.getHostName());
                names.add(local.getCanonicalHostName());
            } catch (Exception e) {
                LOG.debug("local host name unknown: {}", e.toString());
            }
            names.addAll(List.of("localhost", "127.0.0.1", "::1"));
        }
        if (!isAnyAddress(host)) {
            names.add(host);
        }
        if (!advertiseUrl.isEmpty()) {
            try {
                String advertised = URI.create(advertiseUrl).getHost();
                if (advertised != null) {
                    names.add(advertised.startsWith("[") ? advertised.substring(1, advertised.length() - 1) : advertised);
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("advertiseUrl {} is not a URL", advertiseUrl);
            }
        }
        return new ArrayList<>(names);
    }

    private static String urlHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Path karafEtc() {
        String etc = System.getProperty("karaf.etc");
        return etc == null || etc.isBlank() ? null : Path.of(etc);
    }

    private static String bundleVersion() {
        Bundle bundle = FrameworkUtil.getBundle(WebServer.class);
        return bundle == null ? "development" : bundle.getVersion().toString();
    }
}
