-- Indexes FerretDB 1.24's PostgreSQL backend can use. Run after the server's first start (it creates
-- the collections and their indexes), and again after an upgrade adds collections or indexes:
--
--   psql "postgres://USER@HOST:5432/DATABASE" -f docs/ferretdb-postgresql-indexes.sql
--
-- Why: FerretDB 1.24 pushes an equality filter down to PostgreSQL as jsonb containment,
-- `_jsonb->'field' @> value`, but creates the collection's indexes as btree indexes on
-- `(_jsonb->'field')`, which cannot answer `@>`. Every lookup, even by _id, then reads the whole
-- table: a chat message costs scans of the conversations collection, so latency grows with the
-- number of conversations ever stored (bench/, latency; README "Benchmarks"). A GIN index with
-- jsonb_path_ops on the same expression answers `@>`. This adds one for the leading field of every
-- index FerretDB made, in every database FerretDB manages in this PostgreSQL database. It only adds
-- indexes that are not there yet, so running it again is harmless; FerretDB does not see them and drops
-- them with their collection.
--
-- FerretDB also passes the field name as a query parameter, and after a few runs PostgreSQL may
-- switch a prepared statement to a generic plan, which cannot match the field to an expression index.
-- So this also sets plan_cache_mode = force_custom_plan as the database's default; FerretDB's
-- connections opened before it keep the old mode: restart FerretDB once afterwards (or give FerretDB
-- `options=-c plan_cache_mode=force_custom_plan` in its --postgresql-url, as bench/ does).
DO $$
DECLARE
  db record;
  coll record;
  field text;
  name text;
  added int := 0;
  present int := 0;
BEGIN
  -- `SET chat.ferretdb_database = 'name'` first limits this to one FerretDB database (bench/ does).
  FOR db IN SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata'
    AND table_schema = coalesce(nullif(current_setting('chat.ferretdb_database', true), ''), table_schema) LOOP
    FOR coll IN EXECUTE format(
      'SELECT _jsonb->>''table'' AS tbl, _jsonb->''$s''->''p''->''indexes''->''i'' AS indexes FROM %I._ferretdb_database_metadata',
      db.table_schema)
    LOOP
      -- Each index's key document keeps its field order in "$k"; the leading field is what a lookup uses.
      FOR field IN
        SELECT DISTINCT i->'$s'->'p'->'key'->'$s'->'$k'->>0 FROM jsonb_array_elements(coalesce(coll.indexes, '[]')) AS i
      LOOP
        -- Dotted paths are pushed down with #>, not ->: an index on them would not be used.
        CONTINUE WHEN field IS NULL OR position('.' IN field) > 0;
        name := left(coll.tbl, 40) || '_gin_' || left(md5(field), 8);
        IF to_regclass(format('%I.%I', db.table_schema, name)) IS NOT NULL THEN
          present := present + 1;
          CONTINUE;
        END IF;
        EXECUTE format('CREATE INDEX %I ON %I.%I USING gin ((_jsonb->%L) jsonb_path_ops)', name, db.table_schema, coll.tbl, field);
        added := added + 1;
      END LOOP;
    END LOOP;
  END LOOP;
  EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_custom_plan', current_database());
  RAISE NOTICE 'GIN indexes for FerretDB lookups: % added, % already there', added, present;
END
$$;
