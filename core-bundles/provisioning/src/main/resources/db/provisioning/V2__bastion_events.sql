-- What the bastions saw and did for booting machines (labctl logs bastion/ENV), bounded by the retention settings
-- of etc/io.labctl.provisioning.events.cfg (rows and age).
CREATE TABLE bastion_events (
    id           UUID PRIMARY KEY,
    environment  TEXT NOT NULL,                    -- the bastion's environment (cloud baremetal)
    bastion      TEXT NOT NULL,                    -- which bastion reported it
    mac          TEXT,                             -- lower-case, colon-separated; NULL: the bastion could not tell
    at           TIMESTAMPTZ NOT NULL,             -- when the bastion saw it
    received     TIMESTAMPTZ NOT NULL,             -- when labd stored it: where a follow goes on from
    kind         TEXT NOT NULL,                    -- dhcp | tftp | http | boot | plan | installed | bastion
    detail       TEXT NOT NULL
);
CREATE INDEX bastion_events_environment ON bastion_events (environment, at);
CREATE INDEX bastion_events_mac ON bastion_events (environment, mac, at);
CREATE INDEX bastion_events_received ON bastion_events (received);
