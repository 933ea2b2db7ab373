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
  private boolean gathering;

  Flusher(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * Runs {@code action} with every socket's writes held for the turn's flush, so what a socket is
   * sent meanwhile leaves in one gathered write rather than one write each.
   */
  void gather(Runnable action) {
    gathering = true;
    try {
      action.run();
    } finally {
      gathering = false;
    }
  }

  /** Whether writes are being held for the turn's flush (see {@link #gather}). */
  boolean gathering() {
    return gathering;
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
