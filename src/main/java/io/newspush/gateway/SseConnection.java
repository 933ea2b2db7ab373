package io.newspush.gateway;

import io.newspush.feed.EncodedArticle;
import io.newspush.ops.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A Server-Sent Events stream: one chunked response that is never ended until the client leaves.
 * Every event is written as a complete HTTP chunk; articles come already framed.
 */
final class SseConnection extends Connection {
  private static final ByteBuf PING = EncodedArticle.httpChunk(": ping\n\n".getBytes(StandardCharsets.US_ASCII));
  private static final ByteBuf LAST_CHUNK = Unpooled.unreleasableBuffer(
      Unpooled.copiedBuffer("0\r\n\r\n", StandardCharsets.US_ASCII));

  private final StreamSocket socket;
  private boolean ended;

  SseConnection(StreamSocket socket, GatewayContext context, String address) {
    super(context, Metrics.Transport.SSE, address, socket);
    this.socket = socket;
    socket.onClose(this::release);
  }

  void start(Duration retry) {
    event("retry: " + retry.toMillis() + "\n: newspush\n\n");
  }

  /**
   * Tells a live (not resuming) client where its stream starts: an event with only an id sets
   * EventSource's Last-Event-ID without firing a message, so a reconnect before the first
   * matching article still resumes without a gap.
   */
  void announceStart() {
    event("id: " + position() + "\n\n");
  }

  @Override
  ByteBuf wire(EncodedArticle article) {
    return article.sseChunk();
  }

  @Override
  void writeReset(String reason, long seq) {
    JsonObject data = new JsonObject().put("reason", reason).put("seq", seq);
    // The id line moves the browser's Last-Event-ID to the new position, so a later
    // reconnect resumes from there instead of asking again for what is gone.
    event("id: " + seq + "\nevent: reset\ndata: " + data.encode() + "\n\n");
  }

  void ping() {
    if (!closed()) {
      socket.send(PING.duplicate());
    }
  }

  @Override
  void closeSlowConsumer() {
    socket.close();
  }

  @Override
  void closeExpired() {
    event("event: closing\ndata: " + ErrorReply.body("token_expired", "the token expired; reconnect with a fresh one").encode() + "\n\n");
    end();
  }

  @Override
  void closeUnavailable(String message) {
    event("event: closing\ndata: " + ErrorReply.body("unavailable", message).encode() + "\n\n");
    end();
  }

  /** Ends the response cleanly (the last chunk), then the connection: a stream is its connection's last response. */
  void end() {
    if (!ended) {
      ended = true;
      socket.send(LAST_CHUNK.duplicate()).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void event(String text) {
    socket.send(EncodedArticle.httpChunkOnHeap(text.getBytes(StandardCharsets.UTF_8)));
  }
}
