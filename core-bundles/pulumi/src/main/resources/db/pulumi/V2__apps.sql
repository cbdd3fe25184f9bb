-- Apps' revisions: each install, upgrade, rollback and uninstall of an app in an environment (its stack is
-- APP/ENV), with what it asked for and the run that did it. The run's status is the revision's. Values of secret
-- inputs are sealed with labd's master key (AES-GCM, purpose 'app-secrets:APP/ENV'); the others are JSON.
CREATE TABLE pulumi_app_revisions (
    app           VARCHAR(63) NOT NULL,
    environment   VARCHAR(253) NOT NULL,
    revision      INTEGER NOT NULL,
    kind          VARCHAR(16) NOT NULL CHECK (kind IN ('install', 'upgrade', 'rollback', 'uninstall')),
    version       VARCHAR(64) NOT NULL,
    digest        CHAR(64) NOT NULL,
    cluster       VARCHAR(253),
    input_values  TEXT NOT NULL,
    secret_keys   TEXT NOT NULL DEFAULT '',
    secret_values BYTEA,
    rollback_of   INTEGER,
    run_id        VARCHAR(16) NOT NULL REFERENCES pulumi_runs (id),
    username      VARCHAR(253) NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (app, environment, revision)
);
