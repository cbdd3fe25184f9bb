-- The hash-chained audit log: exactly what labd 0.1 created across its shared history's V1, V2 and V5
-- (Labctl-Schema: audit;legacy-baseline=1).

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
    -- every row carries its place in the chain
    hash         VARCHAR(64) NOT NULL,
    -- the whole of what an audited action carried: for exec the argument vector as JSON, kept in full up to 64 KiB;
    -- beyond that its first 64 KiB and, in detail_sha256, the SHA-256 of the whole (set only when cut)
    detail       TEXT,
    detail_sha256 VARCHAR(64),
    UNIQUE (instance, seq)
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user_at ON audit_log (username, at);
CREATE INDEX audit_log_session ON audit_log (session_id);
