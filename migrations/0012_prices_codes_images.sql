CREATE TABLE "event_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"discount_percent_bp" integer,
	"discount_fixed_cents" integer,
	"sections" jsonb,
	"max_uses" integer NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_codes_kind_check" CHECK ("event_codes"."kind" in ('presale', 'promo')),
	CONSTRAINT "event_codes_max_uses_check" CHECK ("event_codes"."max_uses" >= 0)
);
--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD COLUMN "face_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD COLUMN "discount_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD COLUMN "fee_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD COLUMN "tax_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "code_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "fee_fixed_cents" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "fee_percent_bp" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "tax_rate_bp" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "image_key" text;--> statement-breakpoint
ALTER TABLE "event_codes" ADD CONSTRAINT "event_codes_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "event_codes_event_code_idx" ON "event_codes" USING btree ("event_id","code");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_fees_check" CHECK ("events"."fee_fixed_cents" >= 0 and "events"."fee_percent_bp" between 0 and 10000 and "events"."tax_rate_bp" between 0 and 10000);--> statement-breakpoint
-- Bookings made before fees paid their face value: that is their split.
UPDATE "booked_tickets" SET "face_cents" = "price_cents" WHERE "face_cents" = 0 AND "price_cents" <> 0;
