package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.Caller;
import io.labctl.api.web.ProxyRequest;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One request through a proxy route, from the route's decision to its audit row: what the route described and
 * admitted, and the row written once when the request ends (with the backend's status and the duration), or when labd
 * ends it because the caller's access ended.
 */
final class ProxyExchange implements ProxyRequest {
    private final Caller caller;
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final boolean upgrade;
    private final Gate gate;
    private final AuditWriter audit;
    private final String source;
    private final long started = System.nanoTime();
    private final List<Permission> admitted = new CopyOnWriteArrayList<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile String action;
    private volatile String resource;
    private volatile Map<String, String> attributes = Map.of();

    ProxyExchange(Caller caller, String method, String path, String query, Map<String, List<String>> headers,
                  boolean upgrade, Gate gate, AuditWriter audit, String source, String routeName) {
        this.caller = caller;
        this.method = method;
        this.path = path;
        this.query = query;
        TreeMap<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        this.headers = byName;
        this.upgrade = upgrade;
        this.gate = gate;
        this.audit = audit;
        this.source = source;
        // until the route says more: what a refusal before describe() is recorded as
        this.action = "proxy." + routeName;
        this.resource = "proxy/" + routeName;
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public List<String> header(String name) {
        return headers.getOrDefault(name, List.of());
    }

    @Override
    public List<String> headerNames() {
        return List.copyOf(headers.keySet());
    }

    @Override
    public boolean upgrade() {
        return upgrade;
    }

    @Override
    public void describe(String action, String resource, Map<String, String> attributes) {
        this.action = action;
        this.resource = resource;
        this.attributes = attributes == null ? Map.of() : new LinkedHashMap<>(attributes);
    }

    @Override
    public void admit(Permission permission) {
        gate.admit(caller.identity(), permission, event(action));
        admitted.add(permission);
    }

    @Override
    public ApiException deny(String code, String message) {
        try {
            audit.record(event(action), AuditEntry.DENIED, 0L, message, detail(null));
        } catch (ApiException e) {
            return e;
        } catch (RuntimeException e) {
            return ApiException.unavailable("audit-unavailable", "the audit log cannot be written; labd refuses "
                    + "actions it cannot record");
        }
        return ApiException.forbidden(code, message);
    }

    Identity identity() {
        return caller.identity();
    }

    List<Permission> admitted() {
        return List.copyOf(admitted);
    }

    /** Every permission but the first, as conditions of an open stream (the first is its own permission). */
    List<Supplier<String>> heldBeyondFirst(Supplier<AccessDecisions> access) {
        List<Supplier<String>> conditions = new ArrayList<>();
        for (Permission p : admitted.subList(Math.min(1, admitted.size()), admitted.size())) {
            conditions.add(() -> {
                AccessDecisions rules = access.get();
                if (rules == null) {
                    return "access control is not running";
                }
                return rules.decide(caller.identity(), p).allowed() ? null
                        : caller.identity().name() + " may no longer " + p.action() + " on " + p.server();
            });
        }
        return conditions;
    }

    /** The row an upgrade writes before it connects: no row, no connection. */
    void opened() {
        try {
            audit.record(event(action + ".open"), AuditEntry.OK, 0L, null, detail(null));
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ApiException.unavailable("audit-unavailable", "the audit log cannot be written; labd refuses "
                    + "actions it cannot record");
        }
    }

    /**
     * Writes the request's row once: ok for a backend answer below 400, failed otherwise (status 0: no answer),
     * denied when labd ended it. Never throws: the request is over, so a row that cannot be written is logged.
     */
    void finish(int status, String result, String error) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            audit.record(event(action), result, (System.nanoTime() - started) / 1_000_000, error, detail(status));
        } catch (RuntimeException e) {
            Guards.SECURITY_LOG.error("could not audit {} {} by {} through the proxy: {}", action, resource,
                    caller.identity(), e.getMessage());
        }
    }

    void finish(int status) {
        finish(status, status > 0 && status < 400 ? AuditEntry.OK : AuditEntry.FAILED,
                status > 0 && status < 400 ? null : status == 0 ? "no answer from the backend" : "HTTP " + status);
    }

    private AuditWriter.Event event(String action) {
        return new AuditWriter.Event(EnforcementPoint.auditName(caller.identity()), caller.sessionId(), source, action,
                resource);
    }

    private String detail(Integer status) {
        Map<String, Object> detail = new LinkedHashMap<>(attributes);
        detail.put("method", method);
        detail.put("path", path);
        if (status != null) {
            detail.put("status", status);
        }
        try {
            return Json.json().writeValueAsString(detail);
        } catch (Exception e) {
            return detail.toString();
        }
    }
}
