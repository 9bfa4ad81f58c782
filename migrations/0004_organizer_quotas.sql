ALTER TABLE "events" ADD COLUMN "created_by" text;--> statement-breakpoint
CREATE INDEX "events_created_by_idx" ON "events" USING btree ("created_by","created_at");