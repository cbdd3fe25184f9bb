-- The CA and the certificates it issued: exactly what labd 0.1 created (Labctl-Schema: ca;legacy-baseline=1).

-- one row: the root CA, its private key sealed with AES-GCM under the master key file (never stored here)
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
