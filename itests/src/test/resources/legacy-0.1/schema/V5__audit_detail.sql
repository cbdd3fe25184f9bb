-- The whole of what an audited action carried (issue 12): for exec the argument vector as JSON, kept in full up to
-- 64 KiB; beyond that its first 64 KiB and, in detail_sha256, the SHA-256 of the whole (set only when cut).
ALTER TABLE audit_log ADD COLUMN detail TEXT;
ALTER TABLE audit_log ADD COLUMN detail_sha256 VARCHAR(64);
