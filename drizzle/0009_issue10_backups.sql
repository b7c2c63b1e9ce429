CREATE TABLE "backups" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"origin" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text,
	"size" integer NOT NULL,
	"compressed_size" integer NOT NULL,
	"checksum" text NOT NULL,
	"items" integer NOT NULL,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE INDEX "backups_created_idx" ON "backups" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "backups_origin_idx" ON "backups" USING btree ("origin","created_at");