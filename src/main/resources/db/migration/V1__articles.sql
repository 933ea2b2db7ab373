-- Articles as the wire protocol describes them. seq stays NULL until the sequencer stamps the
-- row after it became visible, so seq follows commit order (see newspush_stamp below).
CREATE SEQUENCE article_seq;

CREATE TABLE articles (
  id           text        PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq          bigint      UNIQUE,
  topic        text        NOT NULL,
  tags         text[]      NOT NULL DEFAULT '{}',
  title        text        NOT NULL,
  subtitle     text,
  author       text,
  summary      text,
  body         text[]      NOT NULL DEFAULT '{}',
  url          text,
  lang         text        NOT NULL DEFAULT 'zh-CN',
  -- kept as the publisher wrote it, offset included, so it is delivered byte for byte
  published_at text        NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  inserted_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT articles_title_length CHECK (char_length(title) BETWEEN 1 AND 512),
  CONSTRAINT articles_topic_shape CHECK (
    topic ~ '^[^/[:space:][:cntrl:]*#+?]{1,64}(/[^/[:space:][:cntrl:]*#+?]{1,64}){0,7}$'),
  CONSTRAINT articles_tags_count CHECK (cardinality(tags) <= 16),
  CONSTRAINT articles_published_at_rfc3339 CHECK (
    published_at ~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$')
);

CREATE INDEX articles_unsequenced ON articles (inserted_at, id) WHERE seq IS NULL;
CREATE INDEX articles_topic_seq ON articles (topic, seq);

-- The retention floor: every article with seq <= pruned_through may be gone.
CREATE TABLE newspush_retention (
  only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  pruned_through bigint  NOT NULL DEFAULT 0
);
INSERT INTO newspush_retention DEFAULT VALUES;

-- Whoever writes the row (our API or a CMS), seq is the sequencer's alone and topics are
-- compared after NFC normalisation.
CREATE FUNCTION newspush_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := NULL;
  NEW.topic := normalize(NEW.topic, NFC);
  RETURN NEW;
END $$;

CREATE TRIGGER articles_before_insert BEFORE INSERT ON articles
  FOR EACH ROW EXECUTE FUNCTION newspush_before_insert();

-- NOTIFY is delivered at commit, so a listener hears of a row only once it is visible.
CREATE FUNCTION newspush_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('newspush_pending', '');
  RETURN NULL;
END $$;

CREATE TRIGGER articles_after_insert AFTER INSERT ON articles
  FOR EACH STATEMENT EXECUTE FUNCTION newspush_after_insert();

-- The sequencer. Under one transaction-scoped advisory lock it stamps every committed row that
-- has no seq yet. Stamping runs one at a time (any node may call it), and the UPDATE takes its
-- snapshot after the lock is held, so a later stamping always sees the earlier one: stamped
-- order is commit order and a reader that asks for seq > last never skips a row.
CREATE FUNCTION newspush_stamp(batch integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  stamped bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7375209713330040833);
  WITH pending AS (
    SELECT id FROM articles WHERE seq IS NULL ORDER BY inserted_at, id LIMIT batch FOR UPDATE
  ), numbered AS (
    SELECT id, nextval('article_seq') AS seq FROM pending
  )
  UPDATE articles a SET seq = numbered.seq FROM numbered WHERE a.id = numbered.id;
  GET DIAGNOSTICS stamped = ROW_COUNT;
  IF stamped > 0 THEN
    PERFORM pg_notify('newspush_seq', '');
  END IF;
  RETURN stamped;
END $$;
