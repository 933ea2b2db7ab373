package io.newspush.gateway;

import io.newspush.article.DraftParser;
import io.newspush.auth.PublisherAuth;
import io.newspush.auth.SubscriberAuth;
import io.newspush.config.Config;
import io.newspush.feed.Feed;
import io.newspush.feed.FeedStatus;
import io.newspush.feed.Replay;
import io.newspush.ops.AccessLog;
import io.newspush.ops.EventLoopProbe;
import io.newspush.ops.Health;
import io.newspush.ops.LimitLog;
import io.newspush.ops.Metrics;
import io.newspush.store.ArticleStore;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance per event loop, all sharing the HTTP port. Each owns its subscribers and their
 * index outright and receives every feed article once, already encoded.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final Config config;
  private final Feed feed;
  private final FeedStatus feedStatus;
  private final ArticleStore store;
  private final PublisherAuth publishers;
  private final SubscriberAuth subscribers;
  private final Health health;
  private final Metrics metrics;
  private final ConnectionLimiter limiter;
  private final LimitLog limitLog;

  private Fanout fanout;
  private HttpServer server;

  public GatewayVerticle(Config config, Feed feed, FeedStatus feedStatus, ArticleStore store,
                         PublisherAuth publishers, SubscriberAuth subscribers, Health health, Metrics metrics,
                         ConnectionLimiter limiter, LimitLog limitLog) {
    this.limitLog = limitLog;
    this.subscribers = subscribers;
    this.config = config;
    this.feed = feed;
    this.feedStatus = feedStatus;
    this.store = store;
    this.publishers = publishers;
    this.health = health;
    this.metrics = metrics;
    this.limiter = limiter;
  }

  @Override
  public Future<?> start() {
    fanout = new Fanout(feedStatus.head(), metrics);
    Flusher flusher = new Flusher(((ContextInternal) this.context).nettyEventLoop());
    GatewayContext context = new GatewayContext(vertx, fanout, new Replay(store), config, metrics, limiter, limitLog, subscribers,
        flusher);
    Backlog backlog = new Backlog(this.context, flusher, fanout::deliver);
    return feed.consume(backlog::add).completion().compose(registered -> {
      new Heartbeat(fanout::connectionsNow, this::pingSse).start(vertx, config.sse().pingInterval());
      EventLoopProbe.install(vertx, metrics);
      new Heartbeat(fanout::connectionsNow, this::pingWebSocket).start(vertx, config.webSocket().pingInterval());
      HttpServerOptions options = new HttpServerOptions();
      config.http().tlsCert().ifPresent(cert -> options.setSsl(true).setKeyCertOptions(
          new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(config.http().tlsKey().orElseThrow().toString())));
      server = vertx.createHttpServer(options
          .setHost(config.http().host())
          .setPort(config.http().port())
          .setTcpNoDelay(true)
          // Each of these puts a handler in every connection's pipeline, touched on every
          // write: we serve neither HTTP/2 over cleartext nor compressed WebSocket frames
          // (articles are encoded once and sent as they are to every subscriber).
          .setHttp2ClearTextEnabled(false)
          .setPerMessageWebSocketCompressionSupported(false)
          .setPerFrameWebSocketCompressionSupported(false)
          .setStrictThreadMode(true)
          // Closes connections that neither send nor receive anything, such as a half-sent
          // request left hanging; live streams always carry pings well within this time.
          .setIdleTimeout(idleTimeoutSeconds())
          .setIdleTimeoutUnit(TimeUnit.SECONDS)
          // 64 patterns of CJK text, URL-encoded, are about 10 KB of request line.
          .setMaxInitialLineLength(65536)
          .setMaxWebSocketMessageSize(config.webSocket().maxMessageBytes())
          .setMaxWebSocketFrameSize(2 * config.webSocket().maxMessageBytes()));
      server.invalidRequestHandler(request -> ErrorReply.send(request.response(),
          request.decoderResult().cause() instanceof TooLongFrameException ? 414 : 400,
          "bad_request", "the request could not be read"));
      return server.requestHandler(router(context)).listen();
    });
  }

  /** Tells every client the server is going away before the port closes. */
  @Override
  public Future<?> stop() {
    for (Connection connection : fanout.connections()) {
      if (connection instanceof WsConnection ws) {
        ws.goAway();
      } else if (connection instanceof SseConnection sse) {
        sse.release();
        sse.end();
      }
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  private Router router(GatewayContext context) {
    Router router = Router.router(vertx);
    router.route().handler(new AccessLog()::handle);
    if (!config.http().corsOrigins().isEmpty()) {
      // Same-origin requests carry an Origin too (POST, WebSocket); CORS is only for the others.
      CorsHandler cors = cors();
      router.route("/v1/*").handler(ctx -> {
        if (Origins.sameOrigin(ctx.request())) {
          ctx.next();
        } else {
          cors.handle(ctx);
        }
      });
    }

    PublishHandler publish = new PublishHandler(publishers, new DraftParser(Instant::now), store);
    router.post("/v1/articles")
        .handler(BodyHandler.create(false).setBodyLimit(config.limits().publishBytes()))
        .handler(publish::authorise)
        .handler(publish::publish);
    router.get("/v1/articles").handler(new HistoryHandler(store, config.limits())::handle);
    router.get("/v1/sse").handler(new SseEndpoint(context)::handle);
    router.get("/v1/ws").handler(new WebSocketEndpoint(context)::handle);
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    router.get("/metrics").handler(metrics::scrape);
    // The live-feed page and newspush.js, from the jar's webroot/; anything else falls through to the 404.
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setDirectoryListing(false));

    router.route().last().handler(ctx -> ErrorReply.send(ctx.response(), 404, "not_found", "no such endpoint"));
    router.errorHandler(413, ctx -> {
      limitLog.hit("publish_body", ClientAddress.of(ctx.request()));
      ErrorReply.send(ctx.response(), 413, "body_too_large",
          "the body is larger than " + config.limits().publishBytes() + " bytes; nothing was stored");
    });
    router.errorHandler(400, ctx -> ErrorReply.send(ctx.response(), 400, "bad_request", "the request could not be read"));
    router.errorHandler(405, ctx -> ErrorReply.send(ctx.response(), 405, "method_not_allowed", "this endpoint does not take that method"));
    router.errorHandler(500, ctx -> {
      LOG.error("unexpected failure on {}", ctx.request().path(), ctx.failure());
      ErrorReply.send(ctx.response(), 500, "internal_error", "the server failed to handle this request");
    });
    return router;
  }

  private CorsHandler cors() {
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Last-Event-ID"))
        .exposedHeaders(Set.of("Location"));
    return config.http().anyOrigin() ? cors.addOrigin("*") : cors.addOrigins(config.http().corsOrigins());
  }

  private int idleTimeoutSeconds() {
    long longestPing = Math.max(config.sse().pingInterval().toSeconds(), config.webSocket().pingInterval().toSeconds());
    return (int) Math.max(10, 4 * longestPing);
  }

  private void pingSse(Connection connection) {
    if (connection instanceof SseConnection sse) {
      sse.ping();
    }
  }

  private void pingWebSocket(Connection connection) {
    if (connection instanceof WsConnection ws) {
      ws.ping(config.webSocket().pingInterval().toNanos());
    }
  }
}
