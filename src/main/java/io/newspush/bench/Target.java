package io.newspush.bench;

import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The two servers the benchmark drives, and how each names, publishes and frames articles. */
enum Target {
  NEWSPUSH {
    @Override
    String wsPath(String topic) {
      return "/v1/ws?topics=" + URLEncoder.encode(topic, StandardCharsets.UTF_8);
    }

    @Override
    String ssePath(String topic) {
      return "/v1/sse?topics=" + URLEncoder.encode(topic, StandardCharsets.UTF_8);
    }

    @Override
    String publishPath(String topic) {
      return "/v1/articles";
    }

    @Override
    void publishHeaders(RequestOptions request, String token) {
      request.putHeader("Authorization", "Bearer " + token);
    }

    @Override
    boolean subscribedOnUpgrade() {
      // The socket is subscribed only once the server says so with a "subscribed" message.
      return false;
    }

    @Override
    int publishConcurrency() {
      // newspush orders by seq, which the server assigns at commit, so overlapping publishes are fine.
      return 8;
    }

    @Override
    long orderKey(byte[] message, int from, int to, long counter) {
      int at = Payload.indexOf(message, SEQ, from, to);
      return at < 0 ? -1 : Payload.parseLong(message, at + SEQ.length, to);
    }
  },

  NCHAN {
    @Override
    String wsPath(String topic) {
      return "/sub/" + topic;
    }

    @Override
    String ssePath(String topic) {
      return "/sub/" + topic;
    }

    @Override
    String publishPath(String topic) {
      return "/pub/" + topic;
    }

    @Override
    void publishHeaders(RequestOptions request, String token) {}

    @Override
    boolean subscribedOnUpgrade() {
      return true;
    }

    @Override
    int publishConcurrency() {
      // Nchan's order is the order publishes arrive, so one at a time keeps it the counter's order.
      return 1;
    }

    @Override
    long orderKey(byte[] message, int from, int to, long counter) {
      return counter;
    }
  };

  /** Without its opening quote: candidates are found by first byte, and quotes come before it at every key. */
  private static final byte[] SEQ = "seq\":".getBytes(StandardCharsets.US_ASCII);

  static Target named(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--target must be newspush or nchan, got '" + name + "'");
    }
  }

  abstract String wsPath(String topic);

  abstract String ssePath(String topic);

  abstract String publishPath(String topic);

  abstract void publishHeaders(RequestOptions request, String token);

  abstract boolean subscribedOnUpgrade();

  abstract int publishConcurrency();

  /** What a subscriber's deliveries must increase by: newspush's seq, or the publish counter for Nchan. */
  abstract long orderKey(byte[] message, int from, int to, long counter);
}
