CREATE TABLE "feature_flags" (
	"key" text NOT NULL,
	"scope_id" text NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"flag_type" text DEFAULT 'boolean' NOT NULL,
	"rollout_percentage" integer,
	"enabled_for_roles" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"enabled_for_users" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"depends_on_flag" text,
	"expires_at" timestamp with time zone,
	"variants" jsonb,
	"metadata" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	"last_evaluated_at" timestamp with time zone,
	CONSTRAINT "feature_flags_key_scope_id_pk" PRIMARY KEY("key","scope_id")
);
--> statement-breakpoint
CREATE INDEX "feature_flags_scope_idx" ON "feature_flags" USING btree ("scope_id");--> statement-breakpoint
CREATE INDEX "feature_flags_expires_idx" ON "feature_flags" USING btree ("expires_at");