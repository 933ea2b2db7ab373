package io.newspush;

import io.newspush.config.Config;
import io.newspush.config.ConfigException;
import io.newspush.config.ConfigLoader;
import io.newspush.ops.Logs;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar newspush.jar [--config FILE] [--demo]}. Exit codes: 0 after a clean shutdown,
 * 2 for bad arguments or configuration, 1 when the server could not start.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Optional<Path> configFile = Optional.empty();
    boolean demo = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--demo" -> demo = true;
        case "--config" -> {
          if (i + 1 >= args.length) {
            fail(2, "--config needs a file");
          }
          configFile = Optional.of(Path.of(args[++i]));
        }
        case "--help", "-h" -> {
          System.out.println("usage: java -jar newspush.jar [--config FILE] [--demo]");
          return;
        }
        default -> fail(2, "unknown argument " + args[i] + " (try --help)");
      }
    }
    Config config;
    try {
      config = ConfigLoader.load(configFile, System.getenv());
    } catch (ConfigException e) {
      fail(2, e.getMessage());
      return;
    }
    if (demo) {
      config = config.withDemo();
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    Path tokenFile = config.dataDir().resolve("publisher-token");
    boolean generatesToken = config.publisherTokens().isEmpty() && !java.nio.file.Files.exists(tokenFile);
    Server server;
    try {
      server = Server.start(config);
    } catch (RuntimeException e) {
      log.error("newspush could not start: {}", e.getMessage(), e);
      Logs.flush();
      System.exit(1);
      return;
    }
    Runnable shutdown = once(() -> {
      long stopping = System.nanoTime();
      log.info("newspush shutting down: WebSocket clients get close code 1001, SSE streams end");
      server.close();
      log.info("newspush stopped in {} ms", (System.nanoTime() - stopping) / 1_000_000);
      Logs.flush();
    });
    // On SIGTERM and SIGINT the server closes before the JVM begins to exit: shutdown hooks all run
    // at once, and the embedded PostgreSQL's own hook would stop the database under the server
    // still closing its connections. The hook stays for any other way out.
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "newspush-shutdown"));
    // Exit codes: 0 after SIGTERM (the JVM's own would be 143), 130 after Ctrl-C as before.
    Signal.handle(new Signal("TERM"), signal -> {
      shutdown.run();
      System.exit(0);
    });
    Signal.handle(new Signal("INT"), signal -> {
      shutdown.run();
      System.exit(130);
    });
    boolean tls = config.http().tlsCert().isPresent();
    String address = urlHost(config.http().host()) + ":" + config.http().port();
    String base = (tls ? "https://" : "http://") + address;
    log.info("newspush listening on {}:{} | database: {} | data: {} | gateways: {} | transport: {} | demo: {}",
        config.http().host(), config.http().port(), server.databaseDescription(),
        config.dataDir().toAbsolutePath().normalize(), config.http().gateways(), server.transportDescription(),
        config.demo().enabled() ? "on" : "off");
    log.info("live feed {}/ | SSE {}/v1/sse?topics=** | WebSocket {}://{}/v1/ws?topics=** | publish POST {}/v1/articles | health {}/health/ready | metrics {}/metrics",
        base, base, tls ? "wss" : "ws", address, base, base, base);
    if (generatesToken) {
      // Printed once, when generated, and never logged: log pipelines must not carry secrets.
      System.out.println("publisher token (generated, kept in " + tokenFile + "): " + server.publisherToken());
    } else if (config.publisherTokens().isEmpty()) {
      System.out.println("publisher token: in " + tokenFile);
    }
  }

  /**
   * Runs {@code action} on the first call only. Later calls, from other threads, wait until that
   * run has finished: a second SIGTERM or Ctrl-C during the shutdown would otherwise go straight
   * on to {@code System.exit}, cutting the shutdown short (the embedded database stopped by its
   * own hook under the server, the last log lines lost).
   */
  private static Runnable once(Runnable action) {
    AtomicBoolean started = new AtomicBoolean();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    return () -> {
      if (started.compareAndSet(false, true)) {
        try {
          action.run();
        } finally {
          finished.complete(null);
        }
      } else {
        finished.join();
      }
    };
  }

  /** The host to put in the printed URLs: a wildcard bind address is reachable as localhost. */
  private static String urlHost(String bindHost) {
    if (bindHost.equals("0.0.0.0") || bindHost.equals("::")) {
      return "localhost";
    }
    return bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
  }

  private static void fail(int code, String message) {
    System.err.println("newspush: " + message);
    System.exit(code);
  }
}
