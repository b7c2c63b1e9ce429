CREATE TABLE "model_usage_allowances" (
	"provider" text NOT NULL,
	"scope_id" text NOT NULL,
	"period" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"instance" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "model_usage_allowances_provider_scope_id_period_window_start_instance_pk" PRIMARY KEY("provider","scope_id","period","window_start","instance")
);
