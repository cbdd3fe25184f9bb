-- Kubernetes clusters labd proxies to. The kubeconfig (one context, credentials inlined) is stored only sealed with
-- labd's master key (AES-GCM, purpose 'kubeconfig:NAME'): a database dump alone opens none. What the listing shows
-- (API server, context, kind of authentication) is kept beside it in clear.

CREATE TABLE kube_clusters (
    name         VARCHAR(63) PRIMARY KEY,
    environment  VARCHAR(253) NOT NULL,
    cloud        VARCHAR(253) NOT NULL,
    server       TEXT NOT NULL,
    context      TEXT NOT NULL,
    auth         VARCHAR(32) NOT NULL,
    sealed       BYTEA NOT NULL,
    added_by     VARCHAR(253) NOT NULL,
    added_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX kube_clusters_environment ON kube_clusters (environment);
