-- Runs of the Pulumi engine (plan, apply, destroy) and their logs. One stack is a program's project in one
-- environment; at most one run per stack is running at a time (the partial unique index is the lock, so it holds
-- across labd instances). Secret outputs are never stored: the engine's state keeps them, sealed by the stack's
-- passphrase.

CREATE TABLE pulumi_runs (
    id           VARCHAR(16) PRIMARY KEY,
    kind         VARCHAR(16) NOT NULL,
    environment  VARCHAR(253) NOT NULL,
    cloud        VARCHAR(253) NOT NULL,
    project      VARCHAR(100) NOT NULL,
    app          VARCHAR(100),
    username     VARCHAR(253) NOT NULL,
    program      VARCHAR(255) NOT NULL,
    digest       CHAR(64) NOT NULL,
    status       VARCHAR(16) NOT NULL,
    labd         VARCHAR(255) NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at     TIMESTAMPTZ,
    changes      TEXT,
    outputs      TEXT,
    error        TEXT,
    cancelled_by VARCHAR(253)
);

CREATE UNIQUE INDEX pulumi_runs_one_per_stack ON pulumi_runs (project, environment) WHERE status = 'running';
CREATE INDEX pulumi_runs_started ON pulumi_runs (started_at DESC);
CREATE INDEX pulumi_runs_environment ON pulumi_runs (environment, started_at DESC);

CREATE TABLE pulumi_run_lines (
    run_id  VARCHAR(16) NOT NULL REFERENCES pulumi_runs (id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL,
    line    TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- Each stack's secrets passphrase, sealed with labd's master key (AES-GCM, purpose 'pulumi-passphrase:PROJECT/ENV'),
-- and the stack's settings file as the engine last wrote it (Pulumi.ENV.yaml: the salt of its secrets, no secret),
-- so that any labd instance can run the stack next.
CREATE TABLE pulumi_stacks (
    project     VARCHAR(100) NOT NULL,
    environment VARCHAR(253) NOT NULL,
    sealed      BYTEA NOT NULL,
    settings    TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (project, environment)
);
