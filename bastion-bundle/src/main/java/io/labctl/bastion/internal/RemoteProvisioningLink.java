package io.labctl.bastion.internal;

import io.labctl.agent.api.LabdRequests;
import io.labctl.bastion.boot.ProvisioningLink;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import io.labctl.protocol.provision.BastionEvent;
import io.labctl.protocol.provision.BootReport;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.Macs;
import java.io.IOException;
import java.util.Map;

/** A standalone bastion's way to labd: /api/v1/provision/bastion over the agent's mutual TLS. */
final class RemoteProvisioningLink implements ProvisioningLink {
    static final String BASE = "/api/v1/provision/bastion";
    private final LabdRequests labd;

    RemoteProvisioningLink(LabdRequests labd) {
        this.labd = labd;
    }

    @Override
    public MachineInfo booted(String mac, Map<String, String> facts) {
        return post(BASE + "/boot", new BootReport(mac, facts), MachineInfo.class);
    }

    @Override
    public InstallerGrant installer(String mac) {
        return post(BASE + "/" + Macs.normalize(mac) + "/installer", null, InstallerGrant.class);
    }

    @Override
    public MachineInfo installed(String mac) {
        return post(BASE + "/" + Macs.normalize(mac) + "/installed", null, MachineInfo.class);
    }

    @Override
    public void events(BastionEvent.Batch batch) {
        post(BASE + "/events", batch, null);
    }

    private <T> T post(String path, Object body, Class<T> type) {
        LabdRequests.Response response;
        try {
            byte[] json = body == null ? new byte[0] : Json.json().writeValueAsBytes(body);
            response = labd.post(path, json);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinkException("interrupted while asking labd", true, e);
        } catch (IOException e) {
            throw new LinkException("labd is unreachable from this bastion (" + e.getMessage() + ")", true, e);
        }
        if (response.status() / 100 != 2) {
            throw new LinkException("labd answered " + response.status() + ": " + message(response),
                    response.status() >= 500, null);
        }
        if (type == null) {
            return null;
        }
        try {
            return Json.json().readValue(response.body(), type);
        } catch (IOException e) {
            throw new LinkException("labd's answer is not valid JSON: " + e.getMessage(), true, e);
        }
    }

    private static String message(LabdRequests.Response response) {
        try {
            ApiError error = Json.json().readValue(response.body(), ApiError.class);
            return error.message();
        } catch (IOException | RuntimeException e) {
            return "(no message)";
        }
    }
}
