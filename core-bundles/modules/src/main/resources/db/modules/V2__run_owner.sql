-- Which labd installation runs a module run (host name and home folder), so that at its next start it ends the runs
-- it left running when it stopped without ending them (killed, power lost) as interrupted; runs that other labd
-- instances on the same database hold are not touched. Null for runs recorded before this column.
ALTER TABLE module_runs ADD COLUMN labd VARCHAR(512);
CREATE INDEX module_runs_running ON module_runs (labd) WHERE status = 'running';
