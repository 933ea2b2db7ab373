package io.newspush.ops;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line on the logger {@code newspush.access} per HTTP request, written when the response has
 * ended; for SSE streams that is when the stream ends, for WebSockets when the socket closes.
 * Each line gives method, path with query, status, transport, duration, bytes written and the
 * client address. Headers are never logged (so neither is an {@code Authorization} token), and
 * token parameters in the query are replaced by {@code ***}.
 *
 * <p>Install it as the router's first handler, so it sees every request.
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("newspush.access");
  /** Query parameters that carry credentials: browsers' EventSource and WebSocket cannot send headers. */
  private static final Set<String> SECRET_PARAMETERS = Set.of("access_token", "token");

  public void handle(RoutingContext ctx) {
    // With the access log turned off (a level above INFO) requests are not followed at all.
    if (LOG.isInfoEnabled()) {
      new Exchange(ctx.request()).watch(ctx);
    }
    ctx.next();
  }

  /** The request target with the value of every token parameter replaced by {@code ***}. */
  static String redact(String uri) {
    int query = uri.indexOf('?');
    if (query < 0) {
      return uri;
    }
    StringBuilder redacted = new StringBuilder(uri.length()).append(uri, 0, query + 1);
    int start = query + 1;
    while (start <= uri.length()) {
      // Netty's query decoder splits on ';' as well as '&', so a token can hide behind either.
      int end = start;
      while (end < uri.length() && uri.charAt(end) != '&' && uri.charAt(end) != ';') {
        end++;
      }
      String parameter = uri.substring(start, end);
      int equals = parameter.indexOf('=');
      if (equals >= 0 && isSecret(parameter.substring(0, equals))) {
        redacted.append(parameter, 0, equals + 1).append("***");
      } else {
        redacted.append(parameter);
      }
      if (end < uri.length()) {
        redacted.append(uri.charAt(end));
      }
      start = end + 1;
    }
    return redacted.toString();
  }

  private static boolean isSecret(String name) {
    String decoded;
    try {
      decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      decoded = name;
    }
    return SECRET_PARAMETERS.contains(decoded.toLowerCase(Locale.ROOT));
  }

  /** One request, logged exactly once: by whichever of its end signals comes first. */
  private static final class Exchange {
    private final HttpServerRequest request;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean logged = new AtomicBoolean();

    Exchange(HttpServerRequest request) {
      this.request = request;
    }

    void watch(RoutingContext ctx) {
      WebSocketWatch upgrade = request.canUpgradeToWebSocket() ? WebSocketWatch.install(request, this) : null;
      // Fires when the response ends, and also when the client leaves in the middle of one (an SSE
      // stream). After a successful WebSocket upgrade it never fires: the upgrade watch logs then.
      ctx.addEndHandler(done -> {
        if (upgrade != null) {
          upgrade.remove();
        }
        HttpServerResponse response = request.response();
        String type = response.headers().get("Content-Type");
        boolean sse = type != null && type.startsWith("text/event-stream");
        // 0: the client left before any status was sent.
        log(response.headWritten() ? response.getStatusCode() : 0, sse ? "sse" : "http", response.bytesWritten());
      });
    }

    void log(int status, String transport, long bytes) {
      if (!logged.compareAndSet(false, true)) {
        return;
      }
      String method = request.method().name();
      String path = redact(request.uri());
      long millis = (System.nanoTime() - startedNanos) / 1_000_000;
      String client = request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress();
      LOG.atInfo()
          .addKeyValue("method", method)
          .addKeyValue("path", path)
          .addKeyValue("status", status)
          .addKeyValue("transport", transport)
          .addKeyValue("duration_ms", millis)
          .addKeyValue("bytes", bytes)
          .addKeyValue("client", client)
          .log("{} {} {} {} {}ms {}B {}", method, path, status, transport, millis, bytes, client);
    }
  }

  /**
   * Follows a WebSocket upgrade on its Netty channel. Vert.x reports neither the close of an
   * upgraded connection to the request (the HTTP connection object is replaced) nor the bytes it
   * writes in frames, so this counts the bytes at the socket end of the pipeline and logs once
   * the channel closes.
   */
  private static final class WebSocketWatch extends ChannelOutboundHandlerAdapter {
    private final Channel channel;
    private final ChannelFutureListener onClose;
    private long bytes;

    private WebSocketWatch(Channel channel, Exchange exchange) {
      this.channel = channel;
      this.onClose = closed -> exchange.log(101, "ws", bytes);
    }

    /** Null when the connection is not one this version of Vert.x lets us follow; then no ws line is written. */
    static WebSocketWatch install(HttpServerRequest request, Exchange exchange) {
      if (!(request.connection() instanceof HttpServerConnection connection)) {
        return null;
      }
      Channel channel = connection.channelHandlerContext().channel();
      WebSocketWatch watch = new WebSocketWatch(channel, exchange);
      channel.pipeline().addFirst(watch);
      channel.closeFuture().addListener(watch.onClose);
      return watch;
    }

    /** The request was answered over HTTP after all (refused upgrade): stop following the channel. */
    void remove() {
      channel.closeFuture().removeListener(onClose);
      if (channel.pipeline().context(this) != null) {
        channel.pipeline().remove(this);
      }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
      if (message instanceof ByteBuf buffer) {
        bytes += buffer.readableBytes();
      } else if (message instanceof ByteBufHolder holder) {
        bytes += holder.content().readableBytes();
      }
      ctx.write(message, promise);
    }
  }
}
