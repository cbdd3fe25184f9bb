-- A source builds a module or an app (a jar with app/app.yaml that the Pulumi runner deploys); names are shared, as in
-- the bundle repository.
ALTER TABLE sources_modules ADD COLUMN kind VARCHAR(8) NOT NULL DEFAULT 'module' CHECK (kind IN ('module', 'app'));
ALTER TABLE sources_builds ADD COLUMN kind VARCHAR(8) NOT NULL DEFAULT 'module' CHECK (kind IN ('module', 'app'));
