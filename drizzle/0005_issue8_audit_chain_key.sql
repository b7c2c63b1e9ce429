ALTER TABLE "audit_log" ADD COLUMN "chain_key_id" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "mac_key" text;