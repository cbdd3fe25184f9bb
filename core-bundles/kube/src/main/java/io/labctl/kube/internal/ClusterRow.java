package io.labctl.kube.internal;

import java.time.Instant;

/** One row of kube_clusters, as MyBatis maps it: the kubeconfig only sealed. */
public class ClusterRow {
    public String name;
    public String environment;
    public String cloud;
    public String server;
    public String context;
    public String auth;
    public byte[] sealed;
    public String addedBy;
    public Instant addedAt;
    /** Whether the proxy impersonates each user (the kubeconfig's user was seen to be allowed to). */
    public boolean impersonate;
}
