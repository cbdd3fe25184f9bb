package io.labctl.provisioning.internal;

import io.labctl.api.ApiException;
import io.labctl.api.provision.BastionEvents;
import io.labctl.api.Provisioning;
import io.labctl.api.ServerRegistry;
import io.labctl.api.web.AgentsOnly;
import io.labctl.api.web.Caller;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.provision.BastionEvent;
import io.labctl.protocol.provision.BootReport;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/provision/bastion for standalone bastions, which enrol like agents with a token of role {@value #ROLE}.
 * Only such servers may report boots or fetch installer grants (which carry join tokens); other agents get 403.
 * A bastion's environment is its server's: each bastion is an environment under the baremetal cloud.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/provision/bastion")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BastionResource {
    static final String ROLE = "bastion";
    private final Provisioning provisioning;
    private final ServerRegistry registry;
    private final BastionEvents events;

    @Activate
    public BastionResource(@Reference Provisioning provisioning, @Reference ServerRegistry registry,
                           @Reference BastionEvents events) {
        this.provisioning = provisioning;
        this.registry = registry;
        this.events = events;
    }

    /** What the bastion saw and did since its last report ('labctl logs bastion/ENV'), in its own environment. */
    @POST
    @Path("events")
    @AgentsOnly(verb = "provision.events")
    public void events(BastionEvent.Batch batch, @Context SecurityContext security) {
        ServerInfo bastion = bastion(security.getUserPrincipal());
        events.record(bastion.name(), bastion.environment(), batch);
    }

    @POST
    @Path("boot")
    @AgentsOnly(verb = "provision.boot")
    public MachineInfo boot(BootReport report, @Context SecurityContext security) {
        ServerInfo bastion = bastion(security.getUserPrincipal());
        return provisioning.booted(report, bastion.name(), bastion.environment());
    }

    @POST
    @Path("{mac}/installer")
    @AgentsOnly(verb = "provision.installer")
    public InstallerGrant installer(@PathParam("mac") String mac, @Context SecurityContext security) {
        bastion(security.getUserPrincipal());
        return provisioning.startInstall(mac);
    }

    @POST
    @Path("{mac}/installed")
    @AgentsOnly(verb = "provision.installed")
    public MachineInfo installed(@PathParam("mac") String mac, @Context SecurityContext security) {
        bastion(security.getUserPrincipal());
        return provisioning.installed(mac);
    }

    private ServerInfo bastion(Principal principal) {
        String name = principal instanceof Caller c ? c.identity().name()
                : principal instanceof PeerPrincipal p ? p.identity().name() : null;
        ServerInfo server = name == null ? null : registry.find(name).orElse(null);
        if (server == null || !ROLE.equals(server.role()) || server.environment() == null) {
            throw ApiException.forbidden("not-a-bastion", "only servers enrolled as bastions (a join token with role "
                    + ROLE + " and an environment) may report boots; " + name + " is not one");
        }
        return server;
    }
}
