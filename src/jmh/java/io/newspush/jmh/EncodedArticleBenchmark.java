package io.newspush.jmh;

import io.newspush.article.Article;
import io.newspush.feed.EncodedArticle;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Encoding one article for every transport, which the feed does once per article and node. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EncodedArticleBenchmark {
  private static final String SENTENCE = "义乌小商品市场今天迎来新一轮采购高峰，各国客商往来不绝。";

  /** Characters of Chinese body text (3 bytes each in UTF-8): a short brief and a long report. */
  @Param({"150", "3000"})
  public int bodyChars;

  private Article article;

  @Setup
  public void create() {
    StringBuilder body = new StringBuilder();
    while (body.length() < bodyChars) {
      body.append(SENTENCE);
    }
    article = new Article("0b7c9d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e", 123_456, "economy/trade", List.of("外贸", "义乌"),
        "义乌小商品出口增长", null, "楼琼", "义乌新能源汽车产业链加速成形。", List.of(body.substring(0, bodyChars)),
        "https://news.example.com/a/123456", "zh-CN", "2026-04-16T07:00:00+08:00");
  }

  @Benchmark
  public EncodedArticle encode() {
    return EncodedArticle.of(article);
  }
}
