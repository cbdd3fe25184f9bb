-- labctl schema, version 1. Runs on PostgreSQL and CockroachDB alike: UUID keys from gen_random_uuid(),
-- JSONB for open-ended attributes, TIMESTAMPTZ everywhere, no sequences, no LISTEN/NOTIFY.

CREATE TABLE clouds (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name        VARCHAR(253) NOT NULL UNIQUE,
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE environments (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    cloud_id    UUID NOT NULL REFERENCES clouds (id),
    name        VARCHAR(253) NOT NULL,
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (cloud_id, name)
);

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

CREATE TABLE users (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    username           VARCHAR(253) NOT NULL UNIQUE,
    cert_fingerprint   VARCHAR(64),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by         VARCHAR(253)
);

CREATE TABLE roles (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name        VARCHAR(253) NOT NULL UNIQUE,
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE permissions (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    role_id     UUID NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    effect      VARCHAR(5) NOT NULL CHECK (effect IN ('allow', 'deny')),
    permission  VARCHAR(1024) NOT NULL
);

CREATE TABLE user_roles (
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id     UUID NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE join_tokens (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    secret_hash  VARCHAR(64) NOT NULL,
    reusable     BOOLEAN NOT NULL DEFAULT false,
    cloud        VARCHAR(253),
    environment  VARCHAR(253),
    role         VARCHAR(253),
    labels       JSONB NOT NULL DEFAULT '{}',
    server_name  VARCHAR(253),
    description  TEXT,
    created_by   VARCHAR(253) NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at   TIMESTAMPTZ,
    uses         INT NOT NULL DEFAULT 0,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

-- the CA: one row, its private key sealed with AES-GCM under the master key file (never stored here)
CREATE TABLE ca_keys (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name            VARCHAR(64) NOT NULL UNIQUE,
    certificate_pem TEXT NOT NULL,
    sealed_key      BYTEA NOT NULL,
    key_check       VARCHAR(64) NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE certificates (
    serial          VARCHAR(64) PRIMARY KEY,
    kind            VARCHAR(16) NOT NULL,
    subject_name    VARCHAR(253) NOT NULL,
    not_before      TIMESTAMPTZ NOT NULL,
    not_after       TIMESTAMPTZ NOT NULL,
    fingerprint     VARCHAR(64) NOT NULL,
    revoked_at      TIMESTAMPTZ,
    revoke_reason   TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX certificates_subject ON certificates (kind, subject_name);
CREATE INDEX certificates_revoked ON certificates (revoked_at);

CREATE TABLE audit_log (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    instance     VARCHAR(253) NOT NULL,
    seq          BIGINT NOT NULL,
    at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    username     VARCHAR(253),
    session_id   VARCHAR(64),
    source       VARCHAR(253),
    action       VARCHAR(64) NOT NULL,
    resource     VARCHAR(1024),
    result       VARCHAR(16) NOT NULL,
    duration_ms  BIGINT,
    error        TEXT,
    prev_hash    VARCHAR(64),
    hash         VARCHAR(64),
    UNIQUE (instance, seq)
);

CREATE TABLE pulumi_runs (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    stack       VARCHAR(253) NOT NULL,
    operation   VARCHAR(32) NOT NULL,
    environment VARCHAR(253),
    status      VARCHAR(32) NOT NULL,
    started_by  VARCHAR(253),
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    summary     JSONB
);

CREATE TABLE clusters (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name              VARCHAR(253) NOT NULL UNIQUE,
    environment       VARCHAR(253),
    sealed_kubeconfig BYTEA,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
