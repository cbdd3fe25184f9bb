-- Clouds and the environments under them. An environment's name is unique across clouds (its primary key), so a
-- name alone says which cloud. baremetal (machines labctl provisions, every bastion's environment) and local (the
-- machine labctl runs on) exist from the start.

CREATE TABLE clouds (
    name        VARCHAR(253) PRIMARY KEY,
    builtin     BOOLEAN NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO clouds (name, builtin) VALUES ('baremetal', true), ('local', true);

CREATE TABLE environments (
    name        VARCHAR(253) PRIMARY KEY,
    cloud       VARCHAR(253) NOT NULL REFERENCES clouds (name),
    created_by  VARCHAR(253) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX environments_cloud ON environments (cloud);

-- Once per database: the environments that tokens, servers, clusters and machines named before environments were
-- records were made records (at activation, where the other capabilities' tables can be looked for). What could not
-- be adopted as it stood (one name under two clouds) is kept here, in words.
CREATE TABLE environment_adoptions (
    pass        VARCHAR(32) PRIMARY KEY,
    adopted     INT NOT NULL DEFAULT 0,
    notes       TEXT,
    done_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
