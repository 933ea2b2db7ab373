package io.newspush.testing.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * newspush as a separate OS process ({@code java -cp <this JVM's class path> io.newspush.Main}),
 * configured by environment like an operator would, so a test can SIGKILL it. Its output goes to a
 * log file that failure messages quote. A JVM shutdown hook kills it should the test run abort.
 */
public final class NodeProcess implements AutoCloseable {
  /**
   * Where a node started by a test keeps Vert.x's file cache: in the build directory rather than
   * /tmp, because a node a test kills with SIGKILL never removes its {@code vertx-cache-*}
   * directory.
   */
  public static final String VERTX_CACHE_IN_BUILD_DIRECTORY =
      "-Dvertx.cacheDirBase=" + Path.of("target", "vertx-cache").toAbsolutePath();
  private static final int SIGINT = 2;
  private final Process process;
  private final Path log;
  private final Thread reaper;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.reaper = new Thread(process::destroyForcibly, "kill-newspush-" + process.pid());
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Starts {@code io.newspush.Main} with these NEWSPUSH_* variables added to this process's environment. */
  public static NodeProcess start(Map<String, String> environment, Path log) {
    ProcessBuilder builder = builder(environment)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new NodeProcess(builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + builder.command(), e);
    }
  }

  /**
   * The command that runs {@code io.newspush.Main} on this JVM's class path, configured only by
   * these NEWSPUSH_* variables (none inherited), for a test that needs the process's output
   * streams as they are rather than in a log file.
   */
  public static ProcessBuilder builder(Map<String, String> environment) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        VERTX_CACHE_IN_BUILD_DIRECTORY, "-cp", System.getProperty("java.class.path"), "io.newspush.Main");
    builder.environment().keySet().removeIf(name -> name.startsWith("NEWSPUSH_"));
    builder.environment().putAll(environment);
    return builder;
  }

  /** Polls {@code GET /health/ready} until it answers 200; fails early, quoting the log, if the process dies. */
  public void awaitReady(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("newspush exited with " + process.exitValue() + " before it was ready; log:\n" + logTail());
      }
      try {
        if (Fetch.get(port, "/health/ready").status() == 200) {
          return;
        }
      } catch (AssertionError notListeningYet) {
        // connection refused until the HTTP server is up
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("newspush was not ready within " + timeout.toSeconds() + " s; log:\n" + logTail());
      }
      sleep(100);
    }
  }

  /** SIGTERM, as {@code docker stop} and Kubernetes send; waits for the exit and returns its value. */
  public int terminate(Duration timeout) {
    sigterm();
    return exitValue(timeout);
  }

  /** SIGTERM without waiting for the exit: for a test that signals again during the shutdown. */
  public void sigterm() {
    process.destroy();
  }

  /**
   * SIGINT, as Ctrl-C in a terminal sends; waits for the exit and returns its value. Only
   * meaningful when {@link #ignoresSigint()} is false.
   */
  public int interrupt(Duration timeout) {
    try {
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -INT " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return exitValue(timeout);
  }

  /**
   * Whether the process started with SIGINT ignored, inherited from whatever started the tests
   * (a shell runs background jobs so): the JVM then leaves it ignored and Ctrl-C cannot reach it.
   */
  public boolean ignoresSigint() {
    try {
      String mask = Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
          .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow().substring("SigIgn:".length()).trim();
      // Bit n - 1 of the hexadecimal mask stands for signal n; SIGINT is 2.
      return (Long.parseUnsignedLong(mask, 16) & (1L << (SIGINT - 1))) != 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the process to exit on its own and returns its exit value. */
  public int exitValue(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("newspush did not exit within " + timeout.toSeconds() + " s; log:\n" + logTail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, then waits for the process to be gone; returns its exit value. */
  public int kill() {
    process.destroyForcibly();
    return exitValue(Duration.ofSeconds(30));
  }

  /** The last lines of the process's output. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
