package io.newspush.store;

import io.newspush.article.Article;
import io.newspush.article.Draft;
import io.newspush.topic.Pattern;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The articles table: writes, the sequencer call, and reads by seq. Every query is prepared. */
public final class ArticleStore {
  private static final int STAMP_BATCH = 1000;
  private static final String COLUMNS =
      "id, seq, topic, tags, title, subtitle, author, summary, body, url, lang, published_at";
  private static final String STAMP = "SELECT newspush_stamp($1)";
  private static final String AFTER = "SELECT " + COLUMNS + " FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2";

  private final Pool pool;

  public ArticleStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Inserts and sequences the draft in one transaction (see newspush_publish), so the answer
   * carries its final seq, and a failure leaves nothing stored: retrying is safe.
   */
  public Future<Published> publish(Draft d) {
    Tuple values = Tuple.tuple()
        .addString(d.topic())
        .addArrayOfString(d.tags().toArray(String[]::new))
        .addString(d.title())
        .addString(d.subtitle())
        .addString(d.author())
        .addString(d.summary())
        .addArrayOfString(d.body().toArray(String[]::new))
        .addString(d.url())
        .addString(d.lang())
        .addString(d.publishedAt());
    return pool.preparedQuery("SELECT article_id, article_seq FROM newspush_publish($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .execute(values)
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Published(row.getString(0), row.getLong(1));
        });
  }

  /**
   * Stamps a batch and reads what follows {@code seq}, in one round trip: both statements go out
   * together on one connection. Each runs in its own transaction, in order, so the read's snapshot
   * includes this stamping and any stamping it waited for.
   */
  public Future<Stamped> stampAndRead(long seq, int limit) {
    return pool.withConnection(conn -> {
      Future<RowSet<Row>> stamping = conn.preparedQuery(STAMP).execute(Tuple.of(STAMP_BATCH));
      Future<RowSet<Row>> reading = conn.preparedQuery(AFTER).execute(Tuple.of(seq, limit));
      return Future.all(stamping, reading).map(both -> new Stamped(
          stamping.result().iterator().next().getLong(0) == STAMP_BATCH, articles(reading.result())));
    });
  }

  /** Every article with seq greater than {@code seq}, oldest first. */
  public Future<List<Article>> after(long seq, int limit) {
    return pool.preparedQuery(AFTER).execute(Tuple.of(seq, limit)).map(ArticleStore::articles);
  }

  /** Articles with seq greater than {@code seq} whose topic matches any of the patterns. */
  public Future<List<Article>> after(long seq, List<Pattern> patterns, int limit) {
    String[] regexes = patterns.stream().map(PatternRegex::of).toArray(String[]::new);
    return pool.preparedQuery("SELECT " + COLUMNS
            + " FROM articles WHERE seq > $1 AND topic ~ ANY($2::text[]) ORDER BY seq LIMIT $3")
        .execute(Tuple.tuple().addLong(seq).addArrayOfString(regexes).addInteger(limit))
        .map(ArticleStore::articles);
  }

  /** The highest seq stamped so far, 0 for an empty feed. */
  public Future<Long> head() {
    return pool.query("SELECT coalesce(max(seq), 0) FROM articles").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Resuming from before this seq cannot be complete: older articles may have been pruned. */
  public Future<Long> prunedThrough() {
    return pool.query("SELECT pruned_through FROM newspush_retention").execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Deletes articles older than {@code age} that are not among the newest {@code keep}, and raises
   * the retention floor in the same transaction so no resume is ever answered from a partial past.
   */
  public Future<Long> prune(Duration age, int keep) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
            WITH doomed AS (
              SELECT seq FROM articles
              WHERE seq IS NOT NULL
                AND inserted_at < now() - make_interval(secs => $1)
                AND seq <= coalesce((SELECT seq FROM articles WHERE seq IS NOT NULL
                                     ORDER BY seq DESC OFFSET $2 LIMIT 1), 0)
            ), deleted AS (
              DELETE FROM articles a USING doomed WHERE a.seq = doomed.seq RETURNING a.seq
            )
            UPDATE newspush_retention SET pruned_through = greatest(pruned_through, (SELECT max(seq) FROM deleted))
            WHERE EXISTS (SELECT 1 FROM deleted)
            RETURNING pruned_through""")
        .execute(Tuple.of((double) age.toSeconds(), keep))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0)));
  }

  private static List<Article> articles(RowSet<Row> rows) {
    List<Article> articles = new ArrayList<>(rows.size());
    for (Row row : rows) {
      articles.add(new Article(
          row.getString("id"),
          row.getLong("seq"),
          row.getString("topic"),
          Arrays.asList(row.getArrayOfStrings("tags")),
          row.getString("title"),
          row.getString("subtitle"),
          row.getString("author"),
          row.getString("summary"),
          Arrays.asList(row.getArrayOfStrings("body")),
          row.getString("url"),
          row.getString("lang"),
          row.getString("published_at")));
    }
    return articles;
  }
}
