-- The ${capability} capability's own table. labd runs this once, before the capability's store starts, and records
-- it in the capability's own migration history; uninstalling the capability keeps the table and its rows.
-- A later change is a new file (V2__...sql): never edit a migration that has shipped.
CREATE TABLE ${capability}_items (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
