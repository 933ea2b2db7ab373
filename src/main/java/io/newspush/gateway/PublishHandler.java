package io.newspush.gateway;

import io.newspush.article.DraftParser;
import io.newspush.article.InvalidArticleException;
import io.newspush.article.Draft;
import io.newspush.auth.AuthException;
import io.newspush.auth.PublisherAuth;
import io.newspush.store.ArticleStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.CharacterCodingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/articles}: authorised, validated, committed and sequenced, or nothing at all. */
final class PublishHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);

  private static final String GRANT = "newspush.publisher";

  private final PublisherAuth publishers;
  private final DraftParser parser;
  private final ArticleStore store;

  PublishHandler(PublisherAuth publishers, DraftParser parser, ArticleStore store) {
    this.publishers = publishers;
    this.parser = parser;
    this.store = store;
  }

  /** Runs once the body is read; the body limit ahead of it answers 413 on its own. */
  void authorise(RoutingContext ctx) {
    publishers.authenticate(ctx.request().getHeader("Authorization")).onComplete(authenticated -> {
      if (authenticated.failed()) {
        AuthException e = AuthException.of(authenticated.cause());
        ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
        return;
      }
      String type = ctx.request().getHeader("Content-Type");
      if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
        ErrorReply.send(ctx.response(), 415, "unsupported_media_type", "send the article as Content-Type: application/json");
        return;
      }
      ctx.put(GRANT, authenticated.result());
      ctx.next();
    });
  }

  void publish(RoutingContext ctx) {
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    JsonObject json;
    try {
      Object value = Json.decodeValue(StrictUtf8.decode(body));
      if (!(value instanceof JsonObject object)) {
        ErrorReply.send(ctx.response(), 400, "invalid_json", "the body must be one JSON object");
        return;
      }
      json = object;
    } catch (CharacterCodingException e) {
      ErrorReply.send(ctx.response(), 400, "invalid_json", "the body is not valid UTF-8");
      return;
    } catch (DecodeException e) {
      ErrorReply.send(ctx.response(), 400, "invalid_json", "the body is not valid JSON");
      return;
    }
    try {
      Draft draft = parser.parse(json);
      PublisherAuth.authorize(ctx.get(GRANT), draft.topic());
      store.publish(draft)
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
    } catch (AuthException e) {
      ErrorReply.send(ctx.response(), e.status(), e.code(), e.getMessage());
    }
  }
}
