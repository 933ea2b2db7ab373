package io.newspush.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket of one accepted subscription, taken over from Vert.x once the SSE response head or
 * the WebSocket handshake has been written. From then on newspush writes its pre-encoded buffers
 * straight to the Netty channel.
 *
 * <p>Why: an idle subscriber otherwise keeps Vert.x's request, response, headers, routing context
 * and connection objects alive for as long as it stays (about 5 KB each), and every delivery
 * went through Vert.x's write path with a promise and a listener of its own. Here a delivery is
 * one system call on the shared buffer, or at most one duplicate of it queued in Netty's outbound
 * buffer, whose size is also how a slow consumer is recognised.
 *
 * <p>Used only on the channel's event loop.
 */
final class StreamSocket extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSocket.class);
  /** Writes held for the turn's flush at most; a long replay page goes out as it is written. */
  private static final int MAX_UNFLUSHED = 64;

  private final Channel channel;
  private final Flusher flusher;
  /** The socket itself, when deliveries may skip the pipeline: native epoll transport, no TLS. */
  private final FileDescriptor directFd;
  private ChannelHandlerContext ctx;
  private Consumer<Object> inbound = ReferenceCountUtil::release;
  private Consumer<Throwable> exceptions;
  private Runnable writable;
  private int unflushed;
  private long unflushedBytes;
  private long bytesWritten;

  private StreamSocket(Channel channel, Flusher flusher) {
    this.channel = channel;
    this.flusher = flusher;
    this.directFd = channel instanceof EpollSocketChannel epoll && channel.pipeline().get(SslHandler.class) == null
        ? epoll.fd() : null;
  }

  /**
   * Puts a new socket in place of Vert.x's handlers on {@code channel}. What Vert.x already
   * wrote (the response head, the handshake) stays queued ahead of anything written here.
   *
   * @param httpCodec whether the HTTP codec goes too (SSE, whose chunks are framed in advance);
   *     a WebSocket keeps it for {@link WebSocketHandshake}, which swaps it for the frame codec
   */
  static StreamSocket takeOver(Channel channel, Flusher flusher, boolean httpCodec) {
    StreamSocket socket = new StreamSocket(channel, flusher);
    ChannelPipeline pipeline = channel.pipeline();
    // Live streams carry pings, and a dead peer is found by the ping timeout or a full queue.
    removeIfPresent(pipeline, IdleStateHandler.class);
    if (httpCodec) {
      removeIfPresent(pipeline, HttpRequestDecoder.class);
      removeIfPresent(pipeline, HttpResponseEncoder.class);
    }
    pipeline.replace(VertxHandler.class, "newspush-stream", socket);
    return socket;
  }

  /** The Netty channel under a request; gateways serve HTTP/1.1 only (no h2c, no ALPN). */
  static Channel channelOf(HttpServerRequest request) {
    return ((HttpServerConnection) request.connection()).channelHandlerContext().channel();
  }

  private static void removeIfPresent(ChannelPipeline pipeline, Class<? extends ChannelHandler> type) {
    if (pipeline.get(type) != null) {
      pipeline.remove(type);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Receives what the client sends (WebSocket frames); without this, it is discarded. */
  void inbound(Consumer<Object> handler) {
    this.inbound = handler;
  }

  /** Runs {@code handler} once, when the connection closes for whatever reason (or now, if it has). */
  void onClose(Runnable handler) {
    channel.closeFuture().addListener(closed -> handler.run());
  }

  /**
   * Sends a shared, pre-encoded buffer, unless the client is so far behind that the messages or
   * bytes the kernel has not taken yet would exceed the limits; then nothing is written and it
   * returns false. Writes waiting for this turn's flush do not count as behind.
   *
   * <p>When nothing is queued ahead of it, the buffer goes straight to the socket, as nginx does:
   * one system call, no pipeline, no queue entry. Whatever the kernel does not take is queued and
   * leaves with the flush at the end of this event loop's turn, together with anything written
   * after it. While the flusher gathers (several articles fanned out together), everything is
   * queued, so they leave in one gathered write.
   */
  boolean offer(ByteBuf shared, int maxQueuedMessages, long maxQueuedBytes) {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    int length = shared.readableBytes();
    long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
    int behindMessages = buffer == null ? 0 : buffer.size();
    if (behindMessages + 1 > maxQueuedMessages || pending - unflushedBytes + length > maxQueuedBytes) {
      return false;
    }
    bytesWritten += length;
    if (pending == 0 && directFd != null && shared.hasMemoryAddress() && channel.isOpen() && !flusher.gathering()) {
      int written;
      try {
        written = directFd.writeAddress(shared.memoryAddress(), shared.readerIndex(), shared.writerIndex());
      } catch (IOException e) {
        LOG.debug("write to {} failed; closing it", channel.remoteAddress(), e);
        channel.close();
        return true;
      }
      if (written < length) {
        queue(shared.duplicate().skipBytes(written));
      }
    } else {
      queue(shared.duplicate());
    }
    return true;
  }

  private void queue(ByteBuf rest) {
    int bytes = rest.readableBytes();
    unflushedBytes += bytes;
    ctx.write(rest, ctx.voidPromise());
    if (unflushed++ == 0) {
      flusher.flushLater(this);
    } else if (unflushed >= MAX_UNFLUSHED) {
      flush();
    }
  }

  /** Writes a message of this connection's own (a control frame, an SSE comment) and sends it now. */
  ChannelFuture send(Object message) {
    if (message instanceof ByteBuf buffer) {
      bytesWritten += buffer.readableBytes();
    } else if (message instanceof ByteBufHolder holder) {
      bytesWritten += holder.content().readableBytes();
    }
    unflushed = 0;
    unflushedBytes = 0;
    return ctx.writeAndFlush(message);
  }

  void flush() {
    if (unflushed > 0) {
      unflushed = 0;
      unflushedBytes = 0;
      ctx.flush();
    }
  }

  boolean writable() {
    return channel.isWritable();
  }

  /** Runs {@code action} once the queue has drained below Netty's low water mark. */
  void whenWritable(Runnable action) {
    if (writable()) {
      action.run();
    } else {
      writable = action;
    }
  }

  long bytesWritten() {
    return bytesWritten;
  }

  void close() {
    channel.close();
  }

  Channel channel() {
    return channel;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    inbound.accept(message);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Runnable action = writable;
    if (action != null && channel.isWritable()) {
      writable = null;
      action.run();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    // Vert.x's shutdown notice: the gateway has already said goodbye to its streams; the rest
    // (including Netty's half-closure events) needs nothing from a stream.
    ReferenceCountUtil.release(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (exceptions != null) {
      exceptions.accept(cause);
    } else {
      LOG.debug("stream from {} failed; closing it", channel.remoteAddress(), cause);
      ctx.close();
    }
  }

  /** Receives decoding failures (a malformed or oversized WebSocket frame) instead of closing at once. */
  void exceptions(Consumer<Throwable> handler) {
    this.exceptions = handler;
  }
}
