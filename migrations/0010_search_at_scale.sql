CREATE TABLE "search_words" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_words_trgm_idx" ON "search_words" USING gist ("word" gist_trgm_ops);--> statement-breakpoint
CREATE INDEX "events_venue_starts_at_idx" ON "events" USING btree ("venue_id","starts_at","id");--> statement-breakpoint
-- The words of a catalog listing, as the `simple` text search parser reads
-- them (lower case, no stemming): what the `simple` half of events.search_doc
-- holds for names, so a corrected word is one full text can find.
CREATE FUNCTION "search_words_of"(names text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple', names))) w
  WHERE length(w) BETWEEN 3 AND 40 AND w !~ '[-./@:_]' AND w !~ '^[0-9]+$'
$$;
--> statement-breakpoint
-- Inserts are per statement (a transition table), so a bulk load adds each
-- new word once per statement, not once per row.
CREATE FUNCTION "events_add_search_words"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
  SELECT DISTINCT w
  FROM (SELECT DISTINCT name, performer_name, venue_name, city FROM new_events) e,
       search_words_of(e.name || ' ' || e.performer_name || ' ' || e.venue_name || ' ' || e.city) w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "events_search_words_insert" AFTER INSERT ON "events"
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION events_add_search_words();
--> statement-breakpoint
-- Updates only when a name changes: sold_count moves on every booking and
-- must not pay for this.
CREATE FUNCTION "events_update_search_words"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_words (word)
  SELECT DISTINCT w FROM search_words_of(NEW.name || ' ' || NEW.performer_name || ' ' || NEW.venue_name || ' ' || NEW.city) w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "events_search_words_update" AFTER UPDATE OF name, performer_name, venue_name, city ON "events"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.performer_name IS DISTINCT FROM NEW.performer_name
                     OR OLD.venue_name IS DISTINCT FROM NEW.venue_name OR OLD.city IS DISTINCT FROM NEW.city)
  EXECUTE FUNCTION events_update_search_words();
--> statement-breakpoint
INSERT INTO search_words (word)
SELECT DISTINCT w
FROM (SELECT DISTINCT name, performer_name, venue_name, city FROM events) e,
     search_words_of(e.name || ' ' || e.performer_name || ' ' || e.venue_name || ' ' || e.city) w
ON CONFLICT DO NOTHING;
