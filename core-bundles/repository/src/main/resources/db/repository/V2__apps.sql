-- Apps (a jar with app/app.yaml, deployed by the Pulumi runner) are entries of their own kind.
ALTER TABLE repo_entries DROP CONSTRAINT repo_entries_kind_check;
ALTER TABLE repo_entries ADD CONSTRAINT repo_entries_kind_check CHECK (kind IN ('module', 'feature', 'artifact', 'app'));
