package io.newspush.gateway;

import io.newspush.auth.AuthException;
import io.newspush.auth.Grant;
import io.newspush.auth.SubscriberAuth;
import io.newspush.feed.EncodedArticle;
import io.newspush.ops.LimitLog;
import io.newspush.ops.Metrics;
import io.newspush.topic.Pattern;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket subscriber: JSON ops in, JSON messages out, one text frame each. Netty's frame
 * codec, left in the pipeline by the handshake, turns bytes into frames; the rest of RFC 6455
 * that a server owes its clients (pong, the close handshake, 1007 and 1009) is done here.
 */
final class WsConnection extends Connection {
  private static final ByteBuf PING = Unpooled.unreleasableBuffer(Unpooled.copiedBuffer("newspush", StandardCharsets.US_ASCII));
  private static final ByteBuf PONG = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new JsonObject().put("type", "pong").toBuffer().getBytes()));
  /** How long a closed connection waits for the client's Close frame before dropping the socket. */
  private static final long CLOSING_TIMEOUT_SECONDS = 10;
  static final short GOING_AWAY = 1001;
  static final short POLICY_VIOLATION = 1008;
  static final short TRY_AGAIN_LATER = 1013;
  static final short MESSAGE_TOO_BIG = 1009;
  static final short INVALID_PAYLOAD = 1007;
  /** Messages ignored for the rate limit before the client counts as abusive and is closed. */
  private static final int ABUSE_THRESHOLD = 100;

  private final StreamSocket socket;
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
  private CompositeByteBuf partialText;
  private boolean closeSent;

  WsConnection(StreamSocket socket, GatewayContext context, String address) {
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
    socket.inbound(this::onInbound);
    socket.exceptions(this::onDecodingFailure);
    socket.onClose(() -> {
      release();
      if (partialText != null) {
        partialText.release();
        partialText = null;
      }
    });
  }

  private void onInbound(Object message) {
    try {
      if (message instanceof TextWebSocketFrame || message instanceof ContinuationWebSocketFrame) {
        onFrame((WebSocketFrame) message);
      } else if (message instanceof BinaryWebSocketFrame) {
        error("unsupported_frame", "send JSON in text frames; binary frames are not understood");
      } else if (message instanceof PingWebSocketFrame ping) {
        heard();
        socket.send(new PongWebSocketFrame(ping.content().retain()));
      } else if (message instanceof PongWebSocketFrame) {
        heard();
      } else if (message instanceof CloseWebSocketFrame close) {
        onCloseFrame(close);
      }
    } finally {
      ReferenceCountUtil.release(message);
    }
  }

  /** Answers the client's Close frame with the same status, or ends the handshake we started. */
  private void onCloseFrame(CloseWebSocketFrame close) {
    release();
    if (closeSent) {
      socket.close();
    } else {
      closeSent = true;
      socket.send(new CloseWebSocketFrame(true, 0, close.content().retain())).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** A frame Netty's decoder refused: malformed, or a single frame over the size limit. */
  private void onDecodingFailure(Throwable failure) {
    if (closed()) {
      socket.close();
    } else if (failure instanceof CorruptedWebSocketFrameException corrupted) {
      if (corrupted.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG) {
        closeTooBig();
      } else {
        release();
        close(corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
      }
    } else {
      release();
      socket.close();
    }
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

  /** Assembles text messages; continuations of a binary message (already refused) are dropped. */
  private void onFrame(WebSocketFrame frame) {
    if (closed() || (frame instanceof ContinuationWebSocketFrame && partialText == null)) {
      return;
    }
    if (partialText == null) {
      partialText = Unpooled.compositeBuffer();
    }
    partialText.addComponent(true, frame.content().retain());
    if (partialText.readableBytes() > maxMessageBytes) {
      partialText.release();
      partialText = null;
      closeTooBig();
    } else if (frame.isFinalFragment()) {
      CompositeByteBuf whole = partialText;
      partialText = null;
      try {
        onText(StrictUtf8.decode(whole));
      } catch (CharacterCodingException e) {
        release();
        close(INVALID_PAYLOAD, "invalid UTF-8");
      } finally {
        whole.release();
      }
    }
  }

  private void closeTooBig() {
    limitLog.hit("message_size", address());
    release();
    close(MESSAGE_TOO_BIG, "message too big");
  }

  /**
   * Starts the close handshake: the Close frame goes after whatever is queued, and the socket is
   * dropped when the client answers (RFC 6455, section 7.1.1) or after a timeout, also for a
   * client that has stopped reading.
   */
  private void close(int code, String reason) {
    if (closeSent) {
      return;
    }
    closeSent = true;
    socket.send(new CloseWebSocketFrame(code, reason));
    socket.channel().eventLoop().schedule(socket::close, CLOSING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private void onText(String text) {
    heard();
    if (!messages.tryTake()) {
      limitLog.hit("client_messages", address());
      if (++refusedMessages > ABUSE_THRESHOLD) {
        release();
        close(POLICY_VIOLATION, "too many messages");
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
        socket.send(new TextWebSocketFrame(PONG.duplicate()));
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
      close(GOING_AWAY, "ping timeout");
      return;
    }
    if (pingFlushedNanos == 0 || lastHeardNanos >= pingFlushedNanos) {
      pingInFlight = true;
      socket.send(new PingWebSocketFrame(PING.duplicate())).addListener(written -> {
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
    socket.send(textFrame(new JsonObject().put("type", "error").put("code", code).put("message", message)));
  }

  private void send(JsonObject message) {
    if (!closed()) {
      socket.send(textFrame(message));
    }
  }

  private static TextWebSocketFrame textFrame(JsonObject message) {
    return new TextWebSocketFrame(Unpooled.wrappedBuffer(message.toBuffer().getBytes()));
  }

  @Override
  ByteBuf wire(EncodedArticle article) {
    return article.wsFrame();
  }

  @Override
  void writeReset(String reason, long seq) {
    send(new JsonObject().put("type", "reset").put("reason", reason).put("seq", seq));
  }

  @Override
  void closeSlowConsumer() {
    close(POLICY_VIOLATION, "slow consumer");
  }

  @Override
  void closeExpired() {
    lastWords("token_expired", "the token expired; send {\"op\":\"auth\"} with a fresh one before it does, or reconnect");
    close(POLICY_VIOLATION, "token expired");
  }

  @Override
  void closeUnavailable(String message) {
    lastWords("unavailable", message);
    close(TRY_AGAIN_LATER, "try again later");
  }

  void goAway() {
    release();
    close(GOING_AWAY, "server shutting down");
  }
}
