CREATE TABLE "drift_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	"scope_id" text NOT NULL,
	"trigger" text NOT NULL,
	"report" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings_migrations" (
	"version" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"checksum" text NOT NULL,
	"status" text NOT NULL,
	"operations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"applied_at" timestamp with time zone,
	"applied_by" text,
	"rolled_back_at" timestamp with time zone,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "drift_reports_checked_idx" ON "drift_reports" USING btree ("checked_at");