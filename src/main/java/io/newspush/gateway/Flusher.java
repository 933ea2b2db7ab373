package io.newspush.gateway;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;

/**
 * Flushes every stream written to during one turn of a gateway's event loop once, after the
 * turn's queued tasks: articles that reach a connection together leave in one system call, which
 * is what keeps a saturated server from spending a write per article per subscriber.
 */
final class Flusher {
  private final EventLoop loop;
  private List<StreamSocket> pending = new ArrayList<>();
  private List<StreamSocket> spare = new ArrayList<>();

  Flusher(EventLoop loop) {
    this.loop = loop;
  }

  void flushLater(StreamSocket socket) {
    if (pending.isEmpty()) {
      loop.execute(this::flushAll);
    }
    pending.add(socket);
  }

  private void flushAll() {
    List<StreamSocket> sockets = pending;
    pending = spare;
    spare = sockets;
    for (StreamSocket socket : sockets) {
      socket.flush();
    }
    sockets.clear();
  }
}
