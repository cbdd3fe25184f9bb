-- Custom modules from git. A credential's secret is stored sealed with labd's master key (AES-GCM, purpose
-- 'credential:NAME'): a database dump alone opens none. A source is where a published custom module comes from; a
-- build is one clone + sandboxed Maven build + checks + publish, with its log.

CREATE TABLE sources_credentials (
    name        VARCHAR(63) PRIMARY KEY,
    kind        VARCHAR(16) NOT NULL,
    sealed      BYTEA NOT NULL,
    created_by  VARCHAR(253) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sources_modules (
    name        VARCHAR(63) PRIMARY KEY,
    url         TEXT NOT NULL,
    ref         TEXT,
    credential  VARCHAR(63) REFERENCES sources_credentials (name),
    commit_id   VARCHAR(64) NOT NULL,
    version     VARCHAR(128) NOT NULL,
    sha256      VARCHAR(64) NOT NULL,
    added_by    VARCHAR(253) NOT NULL,
    added_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by  VARCHAR(253),
    updated_at  TIMESTAMPTZ
);

CREATE TABLE sources_builds (
    id          UUID PRIMARY KEY,
    module      VARCHAR(63) NOT NULL,
    url         TEXT NOT NULL,
    ref         TEXT,
    credential  VARCHAR(63),
    commit_id   VARCHAR(64),
    state       VARCHAR(16) NOT NULL,
    step        VARCHAR(16),
    detail      TEXT,
    version     VARCHAR(128),
    sha256      VARCHAR(64),
    started_by  VARCHAR(253) NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at    TIMESTAMPTZ,
    log         TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sources_builds_module ON sources_builds (module, started_at);

-- at most one build of a module at a time
CREATE UNIQUE INDEX sources_builds_one_running ON sources_builds (module) WHERE state = 'running';
