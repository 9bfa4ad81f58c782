CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Rows made before organizations existed: an event goes to its creator's personal org (user:<id>), anything else to demo; a venue or performer follows the first event that uses it.
INSERT INTO "organizations" ("id", "name") VALUES ('demo', 'Demo organizer');--> statement-breakpoint
INSERT INTO "organizations" ("id", "name") SELECT DISTINCT 'user:' || "created_by", "created_by" FROM "events" WHERE "created_by" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "org_id" text;--> statement-breakpoint
ALTER TABLE "performers" ADD COLUMN "org_id" text;--> statement-breakpoint
ALTER TABLE "venues" ADD COLUMN "org_id" text;--> statement-breakpoint
UPDATE "events" SET "org_id" = coalesce('user:' || "created_by", 'demo');--> statement-breakpoint
UPDATE "venues" v SET "org_id" = coalesce((SELECT e."org_id" FROM "events" e WHERE e."venue_id" = v."id" ORDER BY e."created_at", e."id" LIMIT 1), 'demo');--> statement-breakpoint
UPDATE "performers" p SET "org_id" = coalesce((SELECT e."org_id" FROM "events" e WHERE e."performer_id" = p."id" ORDER BY e."created_at", e."id" LIMIT 1), 'demo');--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "org_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "performers" ALTER COLUMN "org_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "venues" ALTER COLUMN "org_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "performers" ADD CONSTRAINT "performers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "venues" ADD CONSTRAINT "venues_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_org_starts_at_idx" ON "events" USING btree ("org_id","starts_at","id");--> statement-breakpoint
CREATE INDEX "performers_org_idx" ON "performers" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "venues_org_idx" ON "venues" USING btree ("org_id");
