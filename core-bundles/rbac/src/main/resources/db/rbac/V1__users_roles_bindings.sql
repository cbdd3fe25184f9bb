-- Users, roles, their rules and bindings: exactly what labd 0.1 created for them across its shared history's V1 to
-- V3 (Labctl-Schema: rbac;legacy-baseline=1). Kept to SQL that PostgreSQL and CockroachDB both run.

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
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    builtin     BOOLEAN NOT NULL DEFAULT false,
    created_by  VARCHAR(253),
    -- the allow-list for 'labctl logs --file': newline-separated path globs; NULL means labd's default
    log_paths   TEXT
);

CREATE TABLE permissions (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    role_id     UUID NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    effect      VARCHAR(5) NOT NULL CHECK (effect IN ('allow', 'deny')),
    permission  VARCHAR(1024) NOT NULL
);
CREATE INDEX permissions_role ON permissions (role_id);

CREATE TABLE user_roles (
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id     UUID NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_id)
);

-- one row; every change to users, roles, rules or bindings bumps it in the same transaction, so every labd
-- instance notices within its poll interval and reloads its in-memory rule set
CREATE TABLE rbac_generation (
    id          INT PRIMARY KEY,
    generation  BIGINT NOT NULL
);
INSERT INTO rbac_generation (id, generation) VALUES (1, 1);
