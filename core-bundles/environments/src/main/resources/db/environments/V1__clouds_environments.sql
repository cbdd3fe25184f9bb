-- Clouds and the environments under them. An environment's name is unique across clouds (its primary key), so a
-- name alone says which cloud. baremetal (machines labctl provisions, every bastion's environment) and local (the
-- machine labctl runs on) exist from the start. The tables are prefixed env_: a database made by labd 0.1 holds unused
-- tables named clouds and environments of another shape, left in place.

CREATE TABLE env_clouds (
    name        VARCHAR(253) PRIMARY KEY,
    builtin     BOOLEAN NOT NULL DEFAULT false,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO env_clouds (name, builtin) VALUES ('baremetal', true), ('local', true);

CREATE TABLE env_environments (
    name        VARCHAR(253) PRIMARY KEY,
    cloud       VARCHAR(253) NOT NULL REFERENCES env_clouds (name),
    created_by  VARCHAR(253) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX env_environments_cloud ON env_environments (cloud);

-- Once per database: the environments that tokens, servers, clusters and machines named before environments were
-- records were made records (at activation, where the other capabilities' tables can be looked for). What could not
-- be adopted as it stood (one name under two clouds) is kept here, in words.
CREATE TABLE env_adoptions (
    pass        VARCHAR(32) PRIMARY KEY,
    adopted     INT NOT NULL DEFAULT 0,
    notes       TEXT,
    done_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
