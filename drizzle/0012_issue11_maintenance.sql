-- Issue 11: maintenance mode's two settings are built in (source 'code'), present with or without a catalog;
-- a catalog that defines them too leaves them as they are (code wins over example data).
INSERT INTO "setting_categories" ("key", "label", "description", "security", "position")
VALUES ('system', 'System & Infrastructure', 'Cache, pagination, maintenance mode, backups and one-time passwords.', false, 1000)
ON CONFLICT ("key") DO NOTHING;
--> statement-breakpoint
INSERT INTO "setting_definitions" ("key", "label", "description", "category", "group_name", "type", "default_value", "validation", "ui", "allowed_levels", "source", "position", "depends_on")
VALUES
  ('maintenance.enabled', 'Maintenance Mode', 'Pause changes for everyone except platform admins: the API answers writes 503 UNAVAILABLE and every open page shows the message.', 'system', 'Maintenance', 'boolean', 'false'::jsonb, NULL, '{"control":"toggle"}'::jsonb, '["global"]'::jsonb, 'code', 0, NULL),
  ('maintenance.message', 'Maintenance Message', 'Message shown to users while maintenance mode is on.', 'system', 'Maintenance', 'string', '"System temporarily unavailable for maintenance."'::jsonb, '{"maxLength":500}'::jsonb, '{"control":"textarea"}'::jsonb, '["global"]'::jsonb, 'code', 1, '["maintenance.enabled"]'::jsonb)
ON CONFLICT ("key") DO NOTHING;
