-- RBAC and audit (issue 3). Kept to SQL that PostgreSQL and CockroachDB both run.

ALTER TABLE roles ADD COLUMN builtin BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE roles ADD COLUMN created_by VARCHAR(253);

-- one row; every change to users, roles, rules or bindings bumps it in the same transaction, so every labd
-- instance notices within its poll interval and reloads its in-memory rule set
CREATE TABLE rbac_generation (
    id          INT PRIMARY KEY,
    generation  BIGINT NOT NULL
);
INSERT INTO rbac_generation (id, generation) VALUES (1, 1);

CREATE INDEX permissions_role ON permissions (role_id);

-- the chain columns must be present on every row from now on
ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user_at ON audit_log (username, at);
CREATE INDEX audit_log_session ON audit_log (session_id);
