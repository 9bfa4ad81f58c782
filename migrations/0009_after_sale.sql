CREATE TABLE "hold_contacts" (
	"hold_id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"email" text,
	"language" text DEFAULT 'en' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"to_address" text NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queued_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	CONSTRAINT "mail_outbox_dedupe_key_unique" UNIQUE("dedupe_key"),
	CONSTRAINT "mail_outbox_state_check" CHECK (state in ('pending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "ticket_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"booking_id" text NOT NULL,
	"event_id" text NOT NULL,
	"seat_index" integer NOT NULL,
	"from_user" text NOT NULL,
	"to_user" text,
	"to_email" text,
	"code_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "waitlist_entries" (
	"event_id" text NOT NULL,
	"user_id" text NOT NULL,
	"email" text,
	"language" text DEFAULT 'en' NOT NULL,
	"quantity" integer NOT NULL,
	"section" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "waitlist_entries_event_id_user_id_pk" PRIMARY KEY("event_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD COLUMN "holder_id" text;--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD COLUMN "holder_email" text;--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD COLUMN "code_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "fan_email" text;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "fan_language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "ticket_transfers" ADD CONSTRAINT "ticket_transfers_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waitlist_entries" ADD CONSTRAINT "waitlist_entries_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mail_outbox_pending_idx" ON "mail_outbox" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "ticket_transfers_ticket_idx" ON "ticket_transfers" USING btree ("event_id","seat_index","created_at");--> statement-breakpoint
CREATE INDEX "booked_tickets_holder_idx" ON "booked_tickets" USING btree ("holder_id") WHERE "booked_tickets"."holder_id" is not null;--> statement-breakpoint
CREATE INDEX "booked_tickets_holder_email_idx" ON "booked_tickets" USING btree ("holder_email") WHERE "booked_tickets"."holder_email" is not null and "booked_tickets"."holder_id" is null;