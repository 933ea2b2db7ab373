package io.newspush.gateway;

import io.newspush.article.DraftParser;
import io.newspush.article.InvalidArticleException;
import io.newspush.auth.PublisherTokens;
import io.newspush.store.ArticleStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/articles}: authorised, validated, committed and sequenced, or nothing at all. */
final class PublishHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);

  private final PublisherTokens tokens;
  private final DraftParser parser;
  private final ArticleStore store;
  private final int maxBytes;

  PublishHandler(PublisherTokens tokens, DraftParser parser, ArticleStore store, int maxBytes) {
    this.maxBytes = maxBytes;
    this.tokens = tokens;
    this.parser = parser;
    this.store = store;
  }

  /** Runs before the body is read, so unauthorised or mistyped requests cost nothing. */
  void authorise(RoutingContext ctx) {
    switch (tokens.check(ctx.request().getHeader("Authorization"))) {
      case MISSING -> ErrorReply.send(ctx.response(), 401, "unauthorized", "publishing needs Authorization: Bearer PUBLISHER-TOKEN");
      case WRONG -> ErrorReply.send(ctx.response(), 401, "unauthorized", "the publisher token is not valid");
      case ALLOWED -> {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
          ErrorReply.send(ctx.response(), 415, "unsupported_media_type", "send the article as Content-Type: application/json");
        } else {
          ctx.next();
        }
      }
    }
  }

  /**
   * Reads the body up to the limit; a larger one is refused (by Content-Length before a byte is
   * read) and the connection is closed so the rest is never buffered.
   */
  void readBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String declared = request.getHeader("Content-Length");
    if (declared != null && (declared.length() > 18 || parseOrMax(declared) > maxBytes)) {
      tooLarge(ctx);
      return;
    }
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (ctx.response().ended()) {
        return;
      }
      if (body.length() + chunk.length() > maxBytes) {
        tooLarge(ctx);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!ctx.response().ended()) {
        publish(ctx, body);
      }
    });
    request.exceptionHandler(failure -> LOG.debug("publish request failed while reading: {}", failure.getMessage()));
    request.resume();
  }

  private void tooLarge(RoutingContext ctx) {
    ctx.response().putHeader("Connection", "close");
    ErrorReply.send(ctx.response(), 413, "body_too_large", "the body is larger than " + maxBytes + " bytes; nothing was stored")
        .onComplete(sent -> ctx.request().connection().close());
  }

  private static long parseOrMax(String digits) {
    try {
      return Long.parseLong(digits.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private void publish(RoutingContext ctx, Buffer body) {
    JsonObject json;
    try {
      Object value = Json.decodeValue(body);
      if (!(value instanceof JsonObject object)) {
        ErrorReply.send(ctx.response(), 400, "invalid_json", "the body must be one JSON object");
        return;
      }
      json = object;
    } catch (DecodeException e) {
      ErrorReply.send(ctx.response(), 400, "invalid_json", "the body is not valid JSON (UTF-8)");
      return;
    }
    try {
      store.publish(parser.parse(json))
          .onSuccess(published -> ctx.response().setStatusCode(201)
              .putHeader("Content-Type", "application/json; charset=utf-8")
              .putHeader("Location", "/v1/articles/" + published.id())
              .end(new JsonObject().put("id", published.id()).put("seq", published.seq()).toBuffer()))
          .onFailure(failure -> {
            LOG.warn("publish failed: {}", failure.getMessage());
            ErrorReply.send(ctx.response(), 503, "store_unavailable", "the article could not be stored; nothing was published, retry shortly");
          });
    } catch (InvalidArticleException e) {
      ErrorReply.send(ctx.response(), 400, e.code(), e.getMessage());
    }
  }
}
