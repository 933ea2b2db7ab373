package io.newspush.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of the server's processes, summed, from Linux's /proc. Several
 * processes because nginx serves from worker processes beside its master.
 */
final class ProcStats {
  /** USER_HZ: the unit of utime and stime in /proc/PID/stat on Linux. */
  static final double CLOCK_TICKS_PER_SECOND = 100;

  private final List<Long> pids;

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
      String stat = read(pid, "stat");
      // The command name in parentheses may contain spaces; the numbered fields follow the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
    return ticks;
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
