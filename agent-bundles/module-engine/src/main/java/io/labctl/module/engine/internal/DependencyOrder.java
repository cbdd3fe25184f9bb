package io.labctl.module.engine.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.labctl.module.Resource;
import io.labctl.module.ServiceResource;

/**
 * The order resources are applied in: each after what it requires (and a service after what it watches), otherwise
 * in the order the module added them.
 */
public final class DependencyOrder {
    private DependencyOrder() {}

    /** Why no order exists: a cycle or a requirement naming no resource of the state. */
    public static final class InvalidOrder extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidOrder(String message) {
            super(message);
        }
    }

    public static List<Resource> of(List<Resource> resources) throws InvalidOrder {
        Map<String, Resource> byId = new LinkedHashMap<>();
        resources.forEach(r -> byId.put(r.id(), r));
        List<Resource> order = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (Resource r : resources) {
            visit(r, byId, done, new LinkedHashSet<>(), order);
        }
        return order;
    }

    private static void visit(Resource r, Map<String, Resource> byId, Set<String> done, LinkedHashSet<String> path,
                              List<Resource> order) throws InvalidOrder {
        if (done.contains(r.id())) {
            return;
        }
        if (!path.add(r.id())) {
            List<String> cycle = new ArrayList<>(path);
            cycle = cycle.subList(cycle.indexOf(r.id()), cycle.size());
            throw new InvalidOrder("dependency cycle: " + String.join(" -> ", cycle) + " -> " + r.id()
                    + "; nothing was applied");
        }
        for (String id : prerequisites(r)) {
            Resource required = byId.get(id);
            if (required == null) {
                throw new InvalidOrder(r.id() + " requires " + id + ", which the module does not declare; "
                        + "nothing was applied");
            }
            visit(required, byId, done, path, order);
        }
        path.remove(r.id());
        done.add(r.id());
        order.add(r);
    }

    private static List<String> prerequisites(Resource r) {
        List<String> ids = new ArrayList<>(r.requirements());
        if (r instanceof ServiceResource service) {
            ids.addAll(service.watched());
        }
        return ids;
    }
}
