package io.newspush.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What the benchmark reads about a server's processes from /proc, against real processes. */
class ProcStatsTest {
  @Test
  void aJvmsCompilerTimeIsPartOfItsCpuTimeAndOnlyGrows() {
    ProcStats jvm = new ProcStats(List.of(ProcessHandle.current().pid()));
    long before = jvm.compilerTicks();
    long work = busyCompiling();
    long after = jvm.compilerTicks();
    assertTrue(before >= 0 && after >= before, "compiler ticks went from " + before + " to " + after + " over work " + work);
    assertTrue(after <= jvm.cpuTicks(), "compiler ticks " + after + " above the whole process's " + jvm.cpuTicks());
    assertTrue(jvm.rssBytes() > 1 << 20, "resident memory " + jvm.rssBytes());
  }

  @Test
  void aCompilerThreadThatEndsKeepsItsTimeInTheSum() throws Exception {
    ProcStats jvm = new ProcStats(List.of(ProcessHandle.current().pid()));
    long before = jvm.compilerTicks();
    AtomicBoolean stop = new AtomicBoolean();
    // Named like HotSpot's compiler threads: Linux shows the first 15 characters, as it does theirs.
    Thread compiler = new Thread(() -> busyUntil(stop), "C2 CompilerThread-test");
    compiler.start();
    Thread.sleep(1_100);
    long whileRunning = jvm.compilerTicks();
    stop.set(true);
    compiler.join();
    Thread.sleep(1_100);
    long afterItEnded = jvm.compilerTicks();
    assertTrue(whileRunning - before >= 50, "the busy thread's ticks were counted: " + before + " then " + whileRunning);
    assertTrue(afterItEnded >= whileRunning,
        "compiler ticks fell from " + whileRunning + " to " + afterItEnded + " when a compiler thread ended");
  }

  @Test
  void aProcessThatIsNotAJvmHasNoCompilerTime() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "30").start();
    try {
      ProcStats stats = new ProcStats(List.of(sleep.pid()));
      assertEquals(0, stats.compilerTicks());
      assertTrue(stats.cpuTicks() >= 0);
    } finally {
      sleep.destroy();
    }
  }

  @Test
  void withoutProcessesNothingIsMeasured() {
    ProcStats none = new ProcStats(List.of());
    assertEquals(-1, none.cpuTicks());
    assertEquals(-1, none.compilerTicks());
    assertEquals(-1, none.rssBytes());
  }

  private static void busyUntil(AtomicBoolean stop) {
    while (!stop.get()) {
      Thread.onSpinWait();
    }
  }

  /** Enough distinct work that the JIT has something to compile while the test runs. */
  private static long busyCompiling() {
    long sum = 0;
    for (int i = 0; i < 2_000_000; i++) {
      sum += Long.toString(i).hashCode();
    }
    return sum;
  }
}
