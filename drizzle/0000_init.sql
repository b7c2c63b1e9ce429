CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"actor_role" text,
	"action" text NOT NULL,
	"key" text,
	"scope_id" text,
	"level" text,
	"old_value" jsonb,
	"new_value" jsonb,
	"new_ciphertext" text,
	"reason" text,
	"source" text NOT NULL,
	"ip" text,
	"version" integer,
	"details" jsonb,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hierarchy_levels" (
	"key" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"parent_key" text,
	"position" integer NOT NULL,
	"builtin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "installation_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"setup_complete" boolean DEFAULT false NOT NULL,
	"setup_completed_at" timestamp with time zone,
	"setup_completed_by" text,
	"encryption_key_check" text,
	"encryption_key_version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "role_assignments" (
	"user_id" text NOT NULL,
	"role" text NOT NULL,
	"scope_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "role_assignments_user_id_role_scope_id_pk" PRIMARY KEY("user_id","role","scope_id")
);
--> statement-breakpoint
CREATE TABLE "scopes" (
	"id" text PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"parent_id" text,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setting_categories" (
	"key" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"security" boolean DEFAULT false NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setting_definitions" (
	"key" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category" text NOT NULL,
	"group_name" text,
	"type" text NOT NULL,
	"default_value" jsonb,
	"validation" jsonb,
	"ui" jsonb,
	"allowed_levels" jsonb NOT NULL,
	"is_secret" boolean DEFAULT false NOT NULL,
	"requires_restart" boolean DEFAULT false NOT NULL,
	"readonly" boolean DEFAULT false NOT NULL,
	"override_behavior" text DEFAULT 'inherit' NOT NULL,
	"depends_on" jsonb,
	"source" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setting_values" (
	"key" text NOT NULL,
	"scope_id" text NOT NULL,
	"value" jsonb,
	"ciphertext" text,
	"key_version" integer,
	"locked" boolean DEFAULT false NOT NULL,
	"skip_to" text,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "setting_values_key_scope_id_pk" PRIMARY KEY("key","scope_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"failed_login_attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_assignments" ADD CONSTRAINT "role_assignments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scopes" ADD CONSTRAINT "scopes_level_hierarchy_levels_key_fk" FOREIGN KEY ("level") REFERENCES "public"."hierarchy_levels"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_idx" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "audit_key_scope_idx" ON "audit_log" USING btree ("key","scope_id","at");--> statement-breakpoint
CREATE INDEX "audit_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_actor_idx" ON "audit_log" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "scopes_parent_idx" ON "scopes" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "scopes_level_idx" ON "scopes" USING btree ("level");--> statement-breakpoint
CREATE INDEX "setting_definitions_category_idx" ON "setting_definitions" USING btree ("category","position");--> statement-breakpoint
CREATE INDEX "setting_values_scope_idx" ON "setting_values" USING btree ("scope_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_idx" ON "users" USING btree (lower("email"));