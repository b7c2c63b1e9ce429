CREATE TABLE "model_access" (
	"scope_id" text PRIMARY KEY NOT NULL,
	"allowed_providers" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "model_configurations" (
	"provider" text NOT NULL,
	"scope_id" text NOT NULL,
	"model" text,
	"preset" text,
	"parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text,
	"quota" jsonb,
	"api_key_ciphertext" text,
	"key_version" integer,
	"base_url" text,
	"locked" boolean DEFAULT false NOT NULL,
	"metadata" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "model_configurations_provider_scope_id_pk" PRIMARY KEY("provider","scope_id")
);
--> statement-breakpoint
CREATE TABLE "model_templates" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"provider" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"parameters" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "model_usage" (
	"provider" text NOT NULL,
	"scope_id" text NOT NULL,
	"period" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"day" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_usage_provider_scope_id_period_window_start_pk" PRIMARY KEY("provider","scope_id","period","window_start")
);
--> statement-breakpoint
CREATE INDEX "model_configurations_scope_idx" ON "model_configurations" USING btree ("scope_id");--> statement-breakpoint
CREATE INDEX "model_configurations_preset_idx" ON "model_configurations" USING btree ("preset");--> statement-breakpoint
CREATE INDEX "model_usage_scope_day_idx" ON "model_usage" USING btree ("scope_id","period","day");