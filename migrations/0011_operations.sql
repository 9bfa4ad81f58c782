CREATE TABLE "ops_audit" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"org_id" text NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"reason" text,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "event_id" text;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "ops_audit_event_at_idx" ON "ops_audit" USING btree ("event_id","at","id");--> statement-breakpoint
CREATE INDEX "payment_events_event_received_idx" ON "payment_events" USING btree ("event_id","received_at");