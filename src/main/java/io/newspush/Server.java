package io.newspush;

import io.newspush.article.DraftParser;
import io.newspush.auth.PublisherAuth;
import io.newspush.auth.PublisherTokens;
import io.newspush.auth.SubscriberAuth;
import io.newspush.auth.TokenVerifier;
import io.newspush.config.Config;
import io.newspush.demo.DemoPublisher;
import io.newspush.feed.Feed;
import io.newspush.feed.FeedStatus;
import io.newspush.feed.FeedWatcher;
import io.newspush.gateway.ConnectionLimiter;
import io.newspush.gateway.GatewayVerticle;
import io.newspush.ops.Health;
import io.newspush.ops.LimitLog;
import io.newspush.ops.Logs;
import io.newspush.ops.Metrics;
import io.newspush.store.ArticleStore;
import io.newspush.store.ConnectOptions;
import io.newspush.store.EmbeddedDatabase;
import io.newspush.store.Migrations;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Wires one node: database (embedded or external), migrations, the feed watcher, the gateways and
 * optionally the demo publisher. {@link #start} blocks until the node serves; {@link #close} until
 * it has told its clients and let go of everything.
 */
public final class Server implements AutoCloseable {
  private final Vertx vertx;
  private final Optional<EmbeddedDatabase> embedded;
  private final String databaseDescription;
  private final String publisherToken;
  private final FeedStatus feedStatus;
  /** Deployments in the order they are undeployed: what produces articles, then the gateways. */
  private final List<String> deploymentsToStop;

  private Server(Vertx vertx, Optional<EmbeddedDatabase> embedded, String databaseDescription,
                 String publisherToken, FeedStatus feedStatus, List<String> deploymentsToStop) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.databaseDescription = databaseDescription;
    this.publisherToken = publisherToken;
    this.feedStatus = feedStatus;
    this.deploymentsToStop = deploymentsToStop;
  }

  public static Server start(Config config) {
    Optional<EmbeddedDatabase> embedded = config.database().url().isPresent()
        ? Optional.empty()
        : Optional.of(EmbeddedDatabase.start(config.dataDir()));
    String url = config.database().url().orElseGet(() -> embedded.get().url());
    // epoll where available (Linux): cheaper per socket write than NIO; NIO elsewhere.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      PgConnectOptions connect = ConnectOptions.of(url);
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(config.database().poolSize()))
          .connectingTo(connect)
          .using(vertx)
          .build();
      await(Migrations.apply(pool, Migrations.bundled()));
      List<String> tokens = PublisherTokens.configuredOrGenerated(config.publisherTokens(), config.dataDir());
      Optional<TokenVerifier> verifier = TokenVerifier.create(vertx, config.auth());
      ArticleStore store = new ArticleStore(pool);
      FeedStatus feedStatus = new FeedStatus();
      Metrics metrics = new Metrics();
      metrics.feedReadings(feedStatus::head, feedStatus::lag, feedStatus::reconnects);
      metrics.logReadings(Logs.droppedLines());
      Feed feed = new Feed(vertx);
      String feedWatcher = await(vertx.deployVerticle(new FeedWatcher(feed, store, connect, config.feed(), feedStatus, metrics)));
      Health health = new Health(pool, feedStatus);
      PublisherAuth publishers = new PublisherAuth(tokens, verifier);
      SubscriberAuth subscribers = new SubscriberAuth(config.auth(), verifier);
      LimitLog limitLog = new LimitLog(metrics);
      ConnectionLimiter limiter = new ConnectionLimiter(config.limits(), limitLog);
      String gateways = await(vertx.deployVerticle(
          () -> new GatewayVerticle(config, feed, feedStatus, store, publishers, subscribers, health, metrics, limiter, limitLog),
          new DeploymentOptions().setInstances(config.http().gateways())));
      Optional<String> demo = config.demo().enabled()
          ? Optional.of(await(vertx.deployVerticle(new DemoPublisher(store, new DraftParser(Instant::now), config.demo().interval()))))
          : Optional.empty();
      String description = embedded.map(db -> "embedded PostgreSQL " + db.url() + " (files in " + db.directory() + ")").orElse(withoutPassword(url));
      return new Server(vertx, embedded, description, tokens.get(0), feedStatus,
          Stream.concat(demo.stream(), Stream.of(feedWatcher, gateways)).toList());
    } catch (RuntimeException e) {
      await(vertx.close());
      embedded.ifPresent(EmbeddedDatabase::close);
      throw e;
    }
  }

  static String withoutPassword(String url) {
    // The password may be in the user info or, as libpq and the pg client allow, a query parameter.
    return url.replaceFirst("//([^:/@]+):[^@]*@", "//$1:***@").replaceAll("([?&]password=)[^&]*", "$1***");
  }

  public String databaseDescription() {
    return databaseDescription;
  }

  /** Netty's native epoll transport (Linux), or Java's NIO where it is missing; streams write straight to epoll sockets. */
  public String transportDescription() {
    return vertx.isNativeTransportEnabled() ? "epoll" : "NIO";
  }

  public String publisherToken() {
    return publisherToken;
  }

  public FeedStatus feedStatus() {
    return feedStatus;
  }

  /**
   * Stops what produces articles first (the demo publisher, the feed watcher), so that no article
   * is in flight to a gateway that has gone, then the gateways, so WebSocket clients hear 1001 and
   * SSE streams end cleanly; then everything else, the embedded database last.
   */
  @Override
  public void close() {
    try {
      for (String id : deploymentsToStop) {
        await(vertx.undeploy(id));
      }
    } finally {
      await(vertx.close());
      embedded.ifPresent(EmbeddedDatabase::close);
    }
  }

  static <T> T await(Future<T> future) {
    CompletableFuture<T> result = future.toCompletionStage().toCompletableFuture();
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting or stopping", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out while starting or stopping", e);
    }
  }
}
