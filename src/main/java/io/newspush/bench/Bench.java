package io.newspush.bench;

import io.newspush.ops.Logs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Load generator for newspush and, for comparison, Nchan: many WebSocket and SSE subscribers,
 * paced publishing, and delivery, latency and server-cost figures. See the README's "Benchmark".
 * Exit code 0: every subscriber got every article once and in order; 1: not so; 2: bad options.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (List.of(args).contains("--help")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    Result result = BenchRun.run(options, System.err);
    System.out.print(result.text());
    if (options.jsonFile().isPresent()) {
      Files.writeString(Path.of(options.jsonFile().get()), result.json().encodePrettily() + "\n");
    }
    if (options.articlesCsvFile().isPresent()) {
      Files.writeString(Path.of(options.articlesCsvFile().get()), result.perArticle().csv());
    }
    Logs.flush();
    System.exit(result.clean() ? 0 : 1);
  }
}
