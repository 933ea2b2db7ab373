-- One round trip for the publish path: stamp whatever is pending (the caller's row included,
-- since it has committed) and return the caller's seq. Each statement below takes a fresh
-- snapshot, so the SELECT sees the stamping done just before it.
CREATE FUNCTION newspush_stamp_for(article text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  stamped bigint;
BEGIN
  LOOP
    stamped := newspush_stamp(1000);
    EXIT WHEN stamped < 1000;
  END LOOP;
  RETURN (SELECT seq FROM articles WHERE id = article);
END $$;
