package io.newspush.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * The WebSocket upgrade, done with Netty's handshaker on a socket the gateway has already taken
 * over, instead of by Vert.x: Vert.x would first build its own WebSocket objects (with a write
 * queue whose first 4 KB chunk is allocated at once), which the take-over then drops. That was
 * most of the garbage a connection storm left behind.
 */
final class WebSocketHandshake {
  private final WebSocketServerHandshaker handshaker;
  private final FullHttpRequest request;

  private WebSocketHandshake(WebSocketServerHandshaker handshaker, FullHttpRequest request) {
    this.handshaker = handshaker;
    this.request = request;
  }

  /**
   * The handshake for {@code request}, or null if it has no key or its WebSocket version is not
   * one Netty speaks (13, drafts 7 and 8).
   */
  static WebSocketHandshake of(HttpServerRequest request, int maxFrameBytes) {
    if (request.getHeader("Sec-WebSocket-Key") == null) {
      return null;
    }
    FullHttpRequest netty = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, request.uri());
    for (Map.Entry<String, String> header : request.headers()) {
      netty.headers().add(header.getKey(), header.getValue());
    }
    WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(maxFrameBytes)
        .allowExtensions(false)
        .allowMaskMismatch(false)
        // Protocol errors reach WsConnection, which closes with the status they carry.
        .closeOnProtocolViolation(false)
        .build();
    String location = (request.isSSL() ? "wss://" : "ws://") + request.authority() + request.path();
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location, null, decoder).newHandshaker(netty);
    if (handshaker == null) {
      netty.release();
      return null;
    }
    return new WebSocketHandshake(handshaker, netty);
  }

  /**
   * Answers 101 on the channel and swaps the HTTP codec for the WebSocket frame codec; call
   * after {@link StreamSocket#takeOver}, so that the frames reach the stream.
   */
  ChannelFuture complete(Channel channel) {
    try {
      return handshaker.handshake(channel, request);
    } finally {
      request.release();
    }
  }
}
