-- A stamping's notification says what was stamped, so listeners need not read it back: the one
-- article it stamped as JSON when that fits a notification (PostgreSQL's limit is 8,000 bytes),
-- otherwise the highest seq it gave out. A listener that already emitted that seq does nothing.
-- Nodes of the previous version ignore payloads and read, as before.
CREATE OR REPLACE FUNCTION newspush_stamp(batch integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  stamped bigint;
  highest bigint;
  notice text;
BEGIN
  PERFORM pg_advisory_xact_lock(7375209713330040833);
  WITH pending AS (
    SELECT id FROM articles WHERE seq IS NULL ORDER BY inserted_at, id LIMIT batch FOR UPDATE
  ), numbered AS (
    SELECT id, nextval('article_seq') AS seq FROM pending
  ), updated AS (
    UPDATE articles a SET seq = numbered.seq FROM numbered WHERE a.id = numbered.id RETURNING a.seq
  )
  SELECT count(*), max(seq) INTO stamped, highest FROM updated;
  IF stamped = 1 THEN
    SELECT json_build_object('id', id, 'seq', seq, 'topic', topic, 'tags', tags, 'title', title,
                             'subtitle', subtitle, 'author', author, 'summary', summary, 'body', body,
                             'url', url, 'lang', lang, 'published_at', published_at)::text
      INTO notice FROM articles WHERE seq = highest;
  END IF;
  IF stamped > 0 THEN
    PERFORM pg_notify('newspush_seq',
                      CASE WHEN octet_length(notice) < 8000 THEN notice ELSE highest::text END);
  END IF;
  RETURN stamped;
END $$;

-- A publish through the API stamps its own row before it commits, so nobody need be told that
-- a row is waiting for the sequencer: that notice would only make every node call it for nothing.
CREATE OR REPLACE FUNCTION newspush_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('newspush.stamps_own_rows', true) IS DISTINCT FROM 'on' THEN
    PERFORM pg_notify('newspush_pending', '');
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION newspush_publish(p_topic text, p_tags text[], p_title text, p_subtitle text, p_author text,
                                           p_summary text, p_body text[], p_url text, p_lang text, p_published_at text)
RETURNS TABLE (article_id text, article_seq bigint) LANGUAGE plpgsql AS $$
DECLARE
  new_id text;
BEGIN
  PERFORM set_config('newspush.stamps_own_rows', 'on', true);
  INSERT INTO articles (topic, tags, title, subtitle, author, summary, body, url, lang, published_at)
  VALUES (p_topic, p_tags, p_title, p_subtitle, p_author, p_summary, p_body, p_url, p_lang, p_published_at)
  RETURNING articles.id INTO new_id;
  PERFORM set_config('newspush.stamps_own_rows', 'off', true);
  LOOP
    EXIT WHEN newspush_stamp(1000) < 1000;
  END LOOP;
  RETURN QUERY SELECT a.id, a.seq FROM articles a WHERE a.id = new_id;
END $$;
