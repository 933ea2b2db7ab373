package io.newspush.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of the server's processes, summed, from Linux's /proc. Several
 * processes because nginx serves from worker processes beside its master.
 */
final class ProcStats {
  /** USER_HZ: the unit of utime and stime in /proc/PID/stat on Linux. */
  static final double CLOCK_TICKS_PER_SECOND = 100;

  /**
   * How long a list of compiler threads is trusted: JVMs start and stop compiler threads as their
   * queue grows and shrinks, but listing every thread of every process on each of the run's polls
   * (ten a second) cost this client more than the rest of its measuring.
   */
  private static final long COMPILER_THREADS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final List<Long> pids;
  private List<Path> compilerThreadStats;
  private long compilerThreadsFoundNanos;
  /**
   * The highest ticks read from each compiler thread seen: a JVM stops compiler threads when their
   * queue is short, and a thread gone from /proc must not take its CPU time out of the sum, which
   * made the compiler's share of a run come out low or below zero.
   */
  private final Map<Path, Long> compilerTicksByThread = new HashMap<>();

  ProcStats(List<Long> pids) {
    this.pids = pids;
  }

  boolean enabled() {
    return !pids.isEmpty();
  }

  /** utime + stime in clock ticks, or -1 without pids. */
  long cpuTicks() {
    if (!enabled()) {
      return -1;
    }
    long ticks = 0;
    for (long pid : pids) {
      ticks += ticks(read(pid, "stat"));
    }
    return ticks;
  }

  /**
   * CPU ticks of the JVM's JIT compiler threads among the processes (0 for processes that are
   * not JVMs, such as nginx), or -1 without pids. A young JVM compiles for minutes; this says how
   * much of the server's CPU that was, next to what the deliveries themselves took.
   */
  long compilerTicks() {
    if (!enabled()) {
      return -1;
    }
    long now = System.nanoTime();
    if (compilerThreadStats == null || now - compilerThreadsFoundNanos > COMPILER_THREADS_MAX_AGE_NANOS) {
      compilerThreadStats = compilerThreadStats();
      compilerThreadsFoundNanos = now;
    }
    for (Path stat : compilerThreadStats) {
      compilerTicksByThread.merge(stat, ticks(readQuietly(stat)), Math::max);
    }
    return compilerTicksByThread.values().stream().mapToLong(Long::longValue).sum();
  }

  private List<Path> compilerThreadStats() {
    List<Path> stats = new ArrayList<>();
    for (long pid : pids) {
      try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path thread : threads.toList()) {
          String name = readQuietly(thread.resolve("comm")).strip();
          if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            stats.add(thread.resolve("stat"));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the threads of " + pid, e);
      }
    }
    return stats;
  }

  /** utime + stime of one /proc stat line; 0 for an empty one (a thread that has just ended). */
  private static long ticks(String stat) {
    if (stat.isEmpty()) {
      return 0;
    }
    // The command name in parentheses may contain spaces; the numbered fields follow the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException threadEnded) {
      return "";
    }
  }

  /** VmRSS in bytes, or -1 without pids. */
  long rssBytes() {
    if (!enabled()) {
      return -1;
    }
    long kib = 0;
    for (long pid : pids) {
      for (String line : read(pid, "status").split("\n")) {
        if (line.startsWith("VmRSS:")) {
          kib += Long.parseLong(line.substring(6).replace("kB", "").strip());
        }
      }
    }
    return kib * 1024;
  }

  /** This process's limit on open files (the soft one, which is what counts). */
  static long openFilesLimit() {
    for (String line : read(ProcessHandle.current().pid(), "limits").split("\n")) {
      if (line.startsWith("Max open files")) {
        String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
        return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
      }
    }
    return Long.MAX_VALUE;
  }

  /** Files this process has open now. */
  static long openFiles() {
    try (Stream<Path> files = Files.list(Path.of("/proc/self/fd"))) {
      return files.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd", e);
    }
  }

  private static String read(long pid, String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid + "/" + file + "; is the server's PID right?", e);
    }
  }
}
