-- The registry's tables: servers and the agents enrolled on them. Exactly what labd 0.1 created for them (its
-- shared history's V1), so that a 0.1 database is adopted as this version (Labctl-Schema: registry;legacy-baseline=1).
-- Runs on PostgreSQL and CockroachDB alike: UUID keys from gen_random_uuid(), JSONB, TIMESTAMPTZ.

CREATE TABLE servers (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name          VARCHAR(253) NOT NULL UNIQUE,
    cloud         VARCHAR(253),
    environment   VARCHAR(253),
    role          VARCHAR(253),
    labels        JSONB NOT NULL DEFAULT '{}',
    mac           VARCHAR(17),
    facts         JSONB,
    last_seen     TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- join_token_id names a row of the tokens capability's join_tokens: no foreign key, so that either capability can
-- be installed alone
CREATE TABLE agents (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    server_id          UUID NOT NULL UNIQUE REFERENCES servers (id) ON DELETE CASCADE,
    join_token_id      UUID,
    certificate_serial VARCHAR(64) NOT NULL,
    certificate_expires TIMESTAMPTZ NOT NULL,
    agent_version      VARCHAR(64),
    enrolled_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    renewed_at         TIMESTAMPTZ,
    last_seen          TIMESTAMPTZ,
    connected_via      VARCHAR(253)
);
