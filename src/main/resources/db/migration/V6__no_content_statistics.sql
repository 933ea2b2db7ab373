-- Every query of articles selects by seq, topic, id or (unsequenced rows) inserted_at; no plan
-- uses the statistics of the content columns, yet ANALYZE gathered them: on 12,500 articles it
-- took about 100 ms of a core, a third of that without them. Autovacuum runs it in the
-- background whenever enough articles have arrived, on the cores that are fanning articles
-- out; in the benchmark the articles fanned out around one were among the slowest. A CMS's own
-- queries on these columns still work; the planner estimates them with its defaults.
ALTER TABLE articles
  ALTER COLUMN tags SET STATISTICS 0,
  ALTER COLUMN title SET STATISTICS 0,
  ALTER COLUMN subtitle SET STATISTICS 0,
  ALTER COLUMN author SET STATISTICS 0,
  ALTER COLUMN summary SET STATISTICS 0,
  ALTER COLUMN body SET STATISTICS 0,
  ALTER COLUMN url SET STATISTICS 0,
  ALTER COLUMN lang SET STATISTICS 0,
  ALTER COLUMN published_at SET STATISTICS 0;
