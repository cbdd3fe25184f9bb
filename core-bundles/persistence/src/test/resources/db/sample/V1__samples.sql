-- a capability's table, for the persistence bundle's own tests
CREATE TABLE samples (
    id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(253) NOT NULL UNIQUE
);
