package io.newspush.testing.reliability;

/** Reads single values out of the node's {@code GET /metrics} (Scrape text format). */
public final class Scrape {
  private Scrape() {}

  /**
   * The value of the sample {@code name} whose labels include {@code label} (e.g.
   * {@code transport="sse"}, or empty for none), or NaN when there is no such sample.
   */
  public static double value(int port, String name, String label) {
    Fetch.Reply reply = Fetch.get(port, "/metrics");
    if (reply.status() != 200) {
      throw new AssertionError("GET /metrics answered " + reply);
    }
    return value(reply.body(), name, label);
  }

  public static double value(String scrape, String name, String label) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      String rest = line.substring(name.length());
      if (!(rest.startsWith("{") || rest.startsWith(" "))) {
        continue; // a longer name with this prefix
      }
      String labels = rest.startsWith("{") ? rest.substring(0, rest.indexOf('}') + 1) : "";
      if (!label.isEmpty() && !labels.contains(label)) {
        continue;
      }
      String[] parts = rest.substring(labels.length()).trim().split(" ");
      return Double.parseDouble(parts[0]);
    }
    return Double.NaN;
  }

  /** {@code newspush_connections{transport="..."}}: open subscriber connections of that transport. */
  public static long connections(int port, String transport) {
    double value = value(port, "newspush_connections", "transport=\"" + transport + "\"");
    if (Double.isNaN(value)) {
      throw new AssertionError("/metrics has no newspush_connections{transport=\"" + transport + "\"}");
    }
    return (long) value;
  }
}
