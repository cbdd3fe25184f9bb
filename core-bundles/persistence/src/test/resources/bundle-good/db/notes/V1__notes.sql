CREATE TABLE notes (
    id   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    text TEXT NOT NULL
);
