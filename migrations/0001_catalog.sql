CREATE TABLE "booked_tickets" (
	"booking_id" text NOT NULL,
	"event_id" text NOT NULL,
	"seat_index" integer NOT NULL,
	"price_cents" integer NOT NULL,
	"released" boolean DEFAULT false NOT NULL,
	CONSTRAINT "booked_tickets_booking_id_event_id_seat_index_pk" PRIMARY KEY("booking_id","event_id","seat_index")
);
--> statement-breakpoint
CREATE TABLE "bookings" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"user_id" text NOT NULL,
	"hold_id" text NOT NULL,
	"payment_intent_id" text,
	"status" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_hold_id_unique" UNIQUE("hold_id"),
	CONSTRAINT "bookings_payment_intent_id_unique" UNIQUE("payment_intent_id")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"type" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"venue_id" text NOT NULL,
	"performer_id" text NOT NULL,
	"on_sale_at" timestamp with time zone,
	"queue" jsonb DEFAULT '{"enabled":false}'::jsonb NOT NULL,
	"per_user_limit" integer DEFAULT 8 NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"ticket_count" integer NOT NULL,
	"sold_count" integer DEFAULT 0 NOT NULL,
	"min_price_cents" integer NOT NULL,
	"max_price_cents" integer NOT NULL,
	"performer_name" text NOT NULL,
	"venue_name" text NOT NULL,
	"city" text NOT NULL,
	"search_text" text NOT NULL,
	"search_doc" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', name || ' ' || performer_name), 'A') || setweight(to_tsvector('simple', name || ' ' || performer_name), 'A') || setweight(to_tsvector('simple', venue_name || ' ' || city), 'B') || setweight(to_tsvector('english', coalesce(description, '')), 'D')) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "performers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"genre" text,
	"bio" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"event_id" text NOT NULL,
	"seat_index" integer NOT NULL,
	"section" text NOT NULL,
	"row" text,
	"seat" text,
	"price_cents" integer NOT NULL,
	CONSTRAINT "tickets_event_id_seat_index_pk" PRIMARY KEY("event_id","seat_index")
);
--> statement-breakpoint
CREATE TABLE "venues" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"city" text NOT NULL,
	"country" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"capacity" integer NOT NULL,
	"seat_map" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD CONSTRAINT "booked_tickets_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booked_tickets" ADD CONSTRAINT "booked_tickets_event_id_seat_index_tickets_event_id_seat_index_fk" FOREIGN KEY ("event_id","seat_index") REFERENCES "public"."tickets"("event_id","seat_index") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_venue_id_venues_id_fk" FOREIGN KEY ("venue_id") REFERENCES "public"."venues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_performer_id_performers_id_fk" FOREIGN KEY ("performer_id") REFERENCES "public"."performers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "booked_tickets_one_live_booking" ON "booked_tickets" USING btree ("event_id","seat_index") WHERE "booked_tickets"."released" = false;--> statement-breakpoint
CREATE INDEX "bookings_user_idx" ON "bookings" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "events_starts_at_idx" ON "events" USING btree ("starts_at","id");--> statement-breakpoint
CREATE INDEX "events_type_starts_at_idx" ON "events" USING btree ("type","starts_at");--> statement-breakpoint
CREATE INDEX "events_venue_idx" ON "events" USING btree ("venue_id");--> statement-breakpoint
CREATE INDEX "events_city_starts_at_idx" ON "events" USING btree (lower("city"),"starts_at");--> statement-breakpoint
CREATE INDEX "events_search_doc_idx" ON "events" USING gin ("search_doc");--> statement-breakpoint
CREATE INDEX "events_search_text_trgm_idx" ON "events" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tickets_event_section_idx" ON "tickets" USING btree ("event_id","section","seat_index");--> statement-breakpoint
CREATE INDEX "venues_city_idx" ON "venues" USING btree (lower("city"));--> statement-breakpoint
CREATE INDEX "venues_lat_lng_idx" ON "venues" USING btree ("lat","lng");