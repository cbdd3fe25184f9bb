-- Whether the kubeconfig's user may impersonate: then labd's proxy names each labctl user to the cluster
-- (Impersonate-User labctl:NAME, group labctl:users), so the cluster's own audit log shows who it was.
ALTER TABLE kube_clusters ADD COLUMN impersonate BOOLEAN NOT NULL DEFAULT FALSE;
