package io.newspush.jmh;

import io.newspush.topic.Pattern;
import io.newspush.topic.Topic;
import io.newspush.topic.TopicIndex;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Matching one article's topic against 100,000 subscriptions of mixed patterns: what every
 * gateway does for every article. The score is the time per article, visits included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopicIndexBenchmark {
  private static final int SUBSCRIPTIONS = 100_000;
  private static final int SECTIONS = 20;
  private static final int DESKS = 50;

  private final TopicIndex<Integer> index = new TopicIndex<>();
  private Topic[] topics;
  private int next;

  @Setup
  public void fill() {
    // A fixed seed: every run measures the same index.
    SplittableRandom random = new SplittableRandom(7);
    for (int subscriber = 0; subscriber < SUBSCRIPTIONS; subscriber++) {
      index.add(Pattern.parse(pattern(random)), subscriber);
    }
    topics = new Topic[1024];
    for (int i = 0; i < topics.length; i++) {
      String topic = "section" + random.nextInt(SECTIONS) + "/desk" + random.nextInt(DESKS);
      topics[i] = Topic.parse(random.nextInt(4) == 0 ? topic + "/story" + random.nextInt(10) : topic);
    }
  }

  /** Mostly exact desks, then whole sections, single-segment wildcards and a few firehoses. */
  private static String pattern(SplittableRandom random) {
    String section = "section" + random.nextInt(SECTIONS);
    String desk = "desk" + random.nextInt(DESKS);
    int kind = random.nextInt(100);
    if (kind < 50) {
      return section + "/" + desk;
    } else if (kind < 70) {
      return section + "/*";
    } else if (kind < 88) {
      return section + "/**";
    } else if (kind < 95) {
      return "*/" + desk;
    } else if (kind < 99) {
      return section + "/" + desk + "/**";
    }
    return "**";
  }

  @Benchmark
  public int matchOneArticle() {
    Topic topic = topics[next++ & (topics.length - 1)];
    int[] visits = {0};
    index.forEachMatch(topic, subscriber -> visits[0]++);
    return visits[0];
  }
}
