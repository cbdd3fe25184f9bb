-- per-role allow-list for 'labctl logs --file' (issue 4): newline-separated path globs; NULL means labd's default
ALTER TABLE roles ADD COLUMN log_paths TEXT;
