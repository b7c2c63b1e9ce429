-- The audit log is append-only: the database itself refuses UPDATE and DELETE (and TRUNCATE).
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
--> statement-breakpoint
INSERT INTO installation_state (id, setup_complete) VALUES (1, false) ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO hierarchy_levels (key, label, parent_key, position, builtin) VALUES
  ('global', 'Global', NULL, 0, true),
  ('tenant', 'Tenant', 'global', 100, true),
  ('event', 'Event', 'tenant', 200, true)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO scopes (id, level, parent_id, name) VALUES ('global', 'global', NULL, 'Global') ON CONFLICT DO NOTHING;
