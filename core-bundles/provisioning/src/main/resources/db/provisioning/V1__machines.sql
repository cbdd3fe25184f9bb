-- PXE provisioning: machines the bastions saw boot or that were planned ahead, one row per MAC. Exactly what labd
-- 0.1 created (Labctl-Schema: provisioning;legacy-baseline=1).
CREATE TABLE machines (
    mac          TEXT PRIMARY KEY,                 -- lower-case, colon-separated
    state        TEXT NOT NULL,                    -- discovered | planned | installing | installed
    hostname     TEXT UNIQUE,                      -- set by a plan; one MAC per hostname
    role         TEXT,                             -- worker | infra
    mode         TEXT,                             -- install | reprovision
    disk         TEXT,                             -- /dev/disk/by-id path; NULL: chosen from the reported disks
    environment  TEXT NOT NULL,                    -- the bastion's environment (cloud baremetal)
    bastion      TEXT,                             -- which bastion saw it last
    facts        JSONB NOT NULL DEFAULT '{}',      -- what the machine reported
    token_id     UUID,                             -- the join token of the current install, if any
    first_seen   TIMESTAMPTZ,
    last_seen    TIMESTAMPTZ,
    planned_by   TEXT,
    planned_at   TIMESTAMPTZ,
    installed_at TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
