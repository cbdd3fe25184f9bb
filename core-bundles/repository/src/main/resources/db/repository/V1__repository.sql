-- labd's bundle repository. Content lives in the database, in chunks of at most 1 MiB, so that every labd on the
-- same database serves the same bytes and neither writing nor reading needs a whole entry in memory. An entry is
-- immutable: NAME/VERSION names the same bytes for as long as it exists.

CREATE TABLE repo_entries (
    id           BIGSERIAL PRIMARY KEY,
    name         VARCHAR(63) NOT NULL,
    version      VARCHAR(64) NOT NULL,
    kind         VARCHAR(16) NOT NULL CHECK (kind IN ('module', 'feature', 'artifact')),
    sha256       CHAR(64) NOT NULL,
    size         BIGINT NOT NULL CHECK (size >= 0),
    file_name    VARCHAR(255),
    descriptor   TEXT,           -- a module's module.yaml as checked, in JSON
    uploaded_by  VARCHAR(253) NOT NULL,
    uploaded_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);

CREATE TABLE repo_chunks (
    entry_id  BIGINT NOT NULL REFERENCES repo_entries (id) ON DELETE CASCADE,
    seq       INT NOT NULL,
    data      BYTEA NOT NULL,
    PRIMARY KEY (entry_id, seq)
);
