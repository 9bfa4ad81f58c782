-- Trigram matching makes search tolerant of typos (pg_trgm ships with
-- Postgres, Neon and PGlite).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
