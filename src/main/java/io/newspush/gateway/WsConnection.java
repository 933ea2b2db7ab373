package io.newspush.gateway;

import io.newspush.auth.AuthException;
import io.newspush.auth.Grant;
import io.newspush.auth.SubscriberAuth;
import io.newspush.feed.EncodedArticle;
import io.newspush.ops.LimitLog;
import io.newspush.ops.Metrics;
import io.newspush.topic.Pattern;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A WebSocket subscriber: JSON ops in, JSON messages out, one text frame each. */
final class WsConnection extends Connection {
  private static final Buffer PING = Buffer.buffer("newspush");
  private static final Buffer PONG = new JsonObject().put("type", "pong").toBuffer();
  static final short GOING_AWAY = 1001;
  static final short POLICY_VIOLATION = 1008;
  static final short TRY_AGAIN_LATER = 1013;
  static final short MESSAGE_TOO_BIG = 1009;
  static final short INVALID_PAYLOAD = 1007;
  /** Messages ignored for the rate limit before the client counts as abusive and is closed. */
  private static final int ABUSE_THRESHOLD = 100;

  private final ServerWebSocket socket;
  private final Fanout fanout;
  private final LimitLog limitLog;
  private final int maxPatterns;
  private final RateLimit messages;
  private final SubscriberAuth auth;
  private Optional<Grant> grant = Optional.empty();
  private long lastHeardNanos = System.nanoTime();
  /** When the last ping was written to the socket; 0 before the first. */
  private long pingFlushedNanos;
  private boolean pingInFlight;
  private int refusedMessages;
  private final int maxMessageBytes;
  /** A text message whose continuation frames are still arriving. */
  private Buffer partialText;

  WsConnection(ServerWebSocket socket, GatewayContext context, String address) {
    super(context, Metrics.Transport.WS, address, socket);
    this.socket = socket;
    this.fanout = context.fanout();
    this.limitLog = context.limitLog();
    this.maxPatterns = context.config().limits().patterns();
    this.maxMessageBytes = context.config().webSocket().maxMessageBytes();
    this.auth = context.auth();
    this.messages = new RateLimit(context.config().limits().clientMessagesPerSecond());
  }

  void start() {
    // Text is assembled from frames here rather than by Vert.x, which decodes invalid UTF-8
    // leniently; RFC 6455 wants such a message refused with 1007.
    socket.frameHandler(this::onFrame);
    socket.binaryMessageHandler(data -> error("unsupported_frame", "send JSON in text frames; binary frames are not understood"));
    socket.pongHandler(data -> heard());
    // Vert.x reports a message over the size limit here, after discarding it; the protocol
    // closes such a connection with 1009.
    socket.exceptionHandler(failure -> {
      if (!closed() && (failure instanceof IllegalStateException || tooBig(failure))) {
        closeTooBig();
      }
    });
  }

  /**
   * Takes a (new) token. A bad one is answered with an {@code unauthorized} error and the
   * connection keeps what it had; a good one replaces the old grant, and patterns it no longer
   * allows are dropped with a {@code forbidden} error.
   */
  Future<Void> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.succeededFuture();
    }
    return auth.authenticate(token).onComplete(verified -> {
      if (closed()) {
        return;
      }
      if (verified.failed()) {
        AuthException e = AuthException.of(verified.cause());
        error(e.code(), e.getMessage());
        return;
      }
      grant = verified.result();
      List<Pattern> revoked = new ArrayList<>();
      for (Pattern pattern : patterns()) {
        try {
          auth.authorize(grant, List.of(pattern));
        } catch (AuthException e) {
          revoked.add(pattern);
        }
      }
      if (!revoked.isEmpty()) {
        unfollow(revoked);
        error("forbidden", "the new token does not allow " + revoked + "; unsubscribed from them");
      }
      expireAt(grant.flatMap(Grant::expiresAt));
      JsonObject reply = new JsonObject().put("type", "authenticated");
      grant.flatMap(Grant::expiresAt).ifPresent(at -> reply.put("expires_at", at.toString()));
      send(reply);
    }).mapEmpty();
  }

  /** Subscribes, answering a refused request with an {@code error} message instead of throwing. */
  void subscribeOrExplain(List<Pattern> requested, Long since) {
    try {
      subscribe(requested, since);
    } catch (BadRequest e) {
      reportLimit(e);
      error(e.code(), e.getMessage());
    } catch (AuthException e) {
      error(e.code(), e.getMessage());
    }
  }

  /** Handles {@code subscribe}: new patterns join the stream; {@code since} resumes a fresh one. */
  private void subscribe(List<Pattern> requested, Long since) {
    auth.authorize(grant, requested);
    List<Pattern> added = new ArrayList<>();
    for (Pattern pattern : requested) {
      if (!patterns().contains(pattern)) {
        added.add(pattern);
      }
    }
    if (patterns().size() + added.size() > maxPatterns) {
      throw SubscriptionRequest.tooMany(patterns().size() + added.size(), maxPatterns);
    }
    Long resumeFrom = since;
    if (since != null && started() && !patterns().isEmpty()) {
      if (since < position()) {
        throw new BadRequest(400, "since_conflict", "this connection has already been sent articles up to seq "
            + position() + "; open a new connection to resume from an earlier seq");
      }
      resumeFrom = null;
    }
    JsonArray topics = new JsonArray();
    requested.forEach(pattern -> topics.add(pattern.text()));
    send(new JsonObject().put("type", "subscribed").put("topics", topics).put("seq", fanout.head()));
    follow(added, resumeFrom);
  }

  private void onFrame(WebSocketFrame frame) {
    if (!frame.isText() && !(frame.isContinuation() && partialText != null)) {
      return;
    }
    partialText = partialText == null ? frame.binaryData().copy() : partialText.appendBuffer(frame.binaryData());
    if (partialText.length() > maxMessageBytes) {
      partialText = null;
      closeTooBig();
    } else if (frame.isFinal()) {
      Buffer whole = partialText;
      partialText = null;
      try {
        onText(StrictUtf8.decode(whole));
      } catch (CharacterCodingException e) {
        release();
        socket.close(INVALID_PAYLOAD, "invalid UTF-8");
      }
    }
  }

  private void closeTooBig() {
    limitLog.hit("message_size", address());
    release();
    socket.close(MESSAGE_TOO_BIG, "message too big");
  }

  /** Netty's frame decoder refuses a single frame over its limit before Vert.x sees it. */
  private static boolean tooBig(Throwable failure) {
    return failure instanceof CorruptedWebSocketFrameException corrupted
        && corrupted.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG;
  }

  private void onText(String text) {
    heard();
    if (!messages.tryTake()) {
      limitLog.hit("client_messages", address());
      if (++refusedMessages > ABUSE_THRESHOLD) {
        release();
        socket.close(POLICY_VIOLATION, "too many messages");
      } else if (refusedMessages == 1) {
        error("rate_limited", "too many messages; slow down (this one was ignored)");
      }
      return;
    }
    refusedMessages = 0;
    JsonObject message;
    try {
      Object value = io.vertx.core.json.Json.decodeValue(text);
      if (!(value instanceof JsonObject object)) {
        error("invalid_message", "each message must be a JSON object with an op");
        return;
      }
      message = object;
    } catch (DecodeException e) {
      error("invalid_json", "the message is not valid JSON");
      return;
    }
    try {
      Object op = message.getValue("op");
      if ("subscribe".equals(op)) {
        subscribeOrExplain(SubscriptionRequest.patterns(stringList(message.getValue("topics")), maxPatterns), since(message.getValue("since")));
      } else if ("auth".equals(op)) {
        Object token = message.getValue("token");
        if (token instanceof String fresh && !fresh.isBlank()) {
          authenticate(fresh);
        } else {
          error("unauthorized", "auth needs a token");
        }
      } else if ("unsubscribe".equals(op)) {
        List<Pattern> patterns = SubscriptionRequest.patterns(stringList(message.getValue("topics")), Integer.MAX_VALUE);
        unfollow(patterns);
        JsonArray topics = new JsonArray();
        patterns.forEach(pattern -> topics.add(pattern.text()));
        send(new JsonObject().put("type", "unsubscribed").put("topics", topics));
      } else if ("ping".equals(op)) {
        socket.writeFrame(textFrame(PONG));
      } else {
        error("unknown_op", "op must be subscribe, unsubscribe, auth or ping");
      }
    } catch (BadRequest e) {
      reportLimit(e);
      error(e.code(), e.getMessage());
    }
  }

  private static List<String> stringList(Object value) {
    if (!(value instanceof JsonArray array)) {
      throw new BadRequest(400, "missing_topics", "topics must be an array of pattern strings");
    }
    List<String> strings = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw new BadRequest(400, "invalid_pattern", "topics must contain only strings");
      }
      strings.add(text);
    }
    return strings;
  }

  private static Long since(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number number && !(value instanceof Double || value instanceof Float)
        && number.longValue() >= 0 && number.toString().equals(Long.toString(number.longValue()))) {
      return number.longValue();
    }
    throw SubscriptionRequest.invalidSince();
  }

  private void reportLimit(BadRequest refusal) {
    if (refusal.code().equals("too_many_patterns")) {
      limitLog.hit("patterns", address());
    }
  }

  private void heard() {
    lastHeardNanos = System.nanoTime();
  }

  /**
   * Called every ping interval: closes the connection if the client left the last ping
   * unanswered for a whole interval, counted from when the ping left this server: a ping queued
   * behind articles the server has not written yet is no sign of a dead client.
   */
  void ping(long intervalNanos) {
    if (closed() || pingInFlight) {
      return;
    }
    long now = System.nanoTime();
    if (pingFlushedNanos > 0 && lastHeardNanos < pingFlushedNanos && now - pingFlushedNanos > intervalNanos) {
      release();
      socket.close(GOING_AWAY, "ping timeout");
      return;
    }
    if (pingFlushedNanos == 0 || lastHeardNanos >= pingFlushedNanos) {
      pingInFlight = true;
      socket.writePing(PING).onComplete(written -> {
        pingInFlight = false;
        pingFlushedNanos = System.nanoTime();
      });
    }
  }

  void error(String code, String message) {
    send(new JsonObject().put("type", "error").put("code", code).put("message", message));
  }

  /** An error sent after the connection was released, just before the socket closes. */
  private void lastWords(String code, String message) {
    socket.writeFrame(textFrame(new JsonObject().put("type", "error").put("code", code).put("message", message).toBuffer()));
  }

  private void send(JsonObject message) {
    if (!closed()) {
      socket.writeFrame(textFrame(message.toBuffer()));
    }
  }

  @Override
  Future<Void> writeArticle(EncodedArticle article) {
    return socket.writeFrame(textFrame(article.wsMessage()));
  }

  /** A text frame over the shared, already encoded payload: no per-connection copy or re-encoding. */
  private static WebSocketFrameImpl textFrame(Buffer payload) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) payload).getByteBuf(), true);
  }

  @Override
  void writeReset(String reason, long seq) {
    send(new JsonObject().put("type", "reset").put("reason", reason).put("seq", seq));
  }

  @Override
  void closeSlowConsumer() {
    socket.close(POLICY_VIOLATION, "slow consumer");
  }

  @Override
  void closeExpired() {
    lastWords("token_expired", "the token expired; send {\"op\":\"auth\"} with a fresh one before it does, or reconnect");
    socket.close(POLICY_VIOLATION, "token expired");
  }

  @Override
  void closeUnavailable(String message) {
    lastWords("unavailable", message);
    socket.close(TRY_AGAIN_LATER, "try again later");
  }

  void goAway() {
    release();
    socket.close(GOING_AWAY, "server shutting down");
  }
}
