-- A NULL among a row's tags or paragraphs has no place in the protocol's article (arrays of
-- strings), and one such row written around the API made every node's feed fail on it, over
-- and over, so nothing after it was pushed. Rows like that are refused from now on; any already
-- stored lose their NULL elements first, which is all they could ever be delivered as.
UPDATE articles SET tags = array_remove(tags, NULL), body = array_remove(body, NULL)
WHERE array_position(tags, NULL) IS NOT NULL OR array_position(body, NULL) IS NOT NULL;
ALTER TABLE articles ADD CONSTRAINT articles_no_null_elements
  CHECK (array_position(tags, NULL) IS NULL AND array_position(body, NULL) IS NULL);
