-- The API's publish as one transaction: insert the row, then stamp under the sequencer's lock.
-- The lock is held until this transaction commits, as in every stamping, so seq still follows
-- commit order; the article is committed and sequenced by one commit instead of two, and a
-- failure leaves nothing behind. Rows written around the API are stamped as before.
-- newspush_stamp_for (V2) is no longer called, and stays for nodes of the previous version
-- during a rolling upgrade.
CREATE FUNCTION newspush_publish(p_topic text, p_tags text[], p_title text, p_subtitle text, p_author text,
                                 p_summary text, p_body text[], p_url text, p_lang text, p_published_at text)
RETURNS TABLE (article_id text, article_seq bigint) LANGUAGE plpgsql AS $$
DECLARE
  new_id text;
BEGIN
  INSERT INTO articles (topic, tags, title, subtitle, author, summary, body, url, lang, published_at)
  VALUES (p_topic, p_tags, p_title, p_subtitle, p_author, p_summary, p_body, p_url, p_lang, p_published_at)
  RETURNING articles.id INTO new_id;
  LOOP
    EXIT WHEN newspush_stamp(1000) < 1000;
  END LOOP;
  RETURN QUERY SELECT a.id, a.seq FROM articles a WHERE a.id = new_id;
END $$;
