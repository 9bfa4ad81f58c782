CREATE TABLE "hold_claims" (
	"hold_id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"outcome" text NOT NULL,
	"payment_intent_id" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hold_claims_outcome_check" CHECK ("hold_claims"."outcome" in ('booked', 'ended'))
);
--> statement-breakpoint
CREATE TABLE "simulated_payment_events" (
	"id" text PRIMARY KEY NOT NULL,
	"payment_intent_id" text NOT NULL,
	"type" text NOT NULL,
	"payload" text NOT NULL,
	"deliveries" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "simulated_provider_outages" (
	"scope" text PRIMARY KEY NOT NULL,
	"unavailable_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "refunded_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "simulated_payment_events_intent_idx" ON "simulated_payment_events" USING btree ("payment_intent_id","created_at");--> statement-breakpoint
CREATE INDEX "bookings_event_idx" ON "bookings" USING btree ("event_id","status");--> statement-breakpoint
-- Written by hand: "canceled" becomes "cancelled" (never charged), distinct from "refunded";
-- refunded bookings record their refund; existing bookings own their hold's claim.
UPDATE "bookings" SET "status" = 'cancelled' WHERE "status" = 'canceled';--> statement-breakpoint
UPDATE "bookings" SET "refunded_cents" = "amount_cents" WHERE "status" = 'refunded';--> statement-breakpoint
INSERT INTO "hold_claims" ("hold_id", "event_id", "outcome", "payment_intent_id")
  SELECT "hold_id", "event_id", 'booked', "payment_intent_id" FROM "bookings" ON CONFLICT DO NOTHING;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_status_check" CHECK (status in ('authorized', 'confirmed', 'cancelled', 'refunded'));--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_refunded_check" CHECK ("bookings"."refunded_cents" >= 0 and "bookings"."refunded_cents" <= "bookings"."amount_cents");