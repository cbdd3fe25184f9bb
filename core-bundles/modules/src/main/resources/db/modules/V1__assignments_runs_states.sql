-- Configuration modules: assignment revisions (numbered per module), the state of each module on each server, and
-- one row per server per run. Server names and module versions are plain text: no foreign key into the registry's or
-- the repository's tables, so that each capability can be installed alone. Secret input values are stored sealed
-- with labd's master key ("sealed:" + base64), never in clear.

CREATE TABLE module_revisions (
    module      VARCHAR(63) NOT NULL,
    revision    INT NOT NULL,
    version     VARCHAR(64) NOT NULL,
    selector    TEXT NOT NULL,
    inputs      JSONB NOT NULL DEFAULT '{}',
    enforce     BOOLEAN NOT NULL DEFAULT false,
    action      VARCHAR(16) NOT NULL,
    created_by  VARCHAR(253) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (module, revision)
);

-- state: converged, drifted, failed, pending (labd converges it when it is connected), held (pending, waits for an
-- operator: denied or not run at the last apply), removed (the module's removal ran; not managed until applied again)
CREATE TABLE module_servers (
    module      VARCHAR(63) NOT NULL,
    server      VARCHAR(253) NOT NULL,
    revision    INT NOT NULL,
    version     VARCHAR(64) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    last_run_id UUID,
    last_run    TIMESTAMPTZ,
    last_check  TIMESTAMPTZ,
    detail      TEXT,
    PRIMARY KEY (module, server)
);

CREATE TABLE module_runs (
    id          UUID PRIMARY KEY,
    server      VARCHAR(253) NOT NULL,
    module      VARCHAR(63) NOT NULL,
    version     VARCHAR(64) NOT NULL,
    revision    INT NOT NULL,
    action      VARCHAR(16) NOT NULL,
    status      VARCHAR(16) NOT NULL,
    created_by  VARCHAR(253) NOT NULL,
    started     TIMESTAMPTZ NOT NULL,
    ended       TIMESTAMPTZ,
    report      JSONB
);
CREATE INDEX module_runs_by_server ON module_runs (server, started);
