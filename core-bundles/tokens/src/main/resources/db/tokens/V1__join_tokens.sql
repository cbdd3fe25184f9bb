-- Join tokens: exactly what labd 0.1 created (Labctl-Schema: tokens;legacy-baseline=1). Only the SHA-256 of a
-- token's secret is stored.

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
