package io.newspush.article;

import java.util.List;

/** A validated article that has no {@code id} or {@code seq} yet: what a publisher sends. */
public record Draft(
    String topic, List<String> tags, String title, String subtitle, String author,
    String summary, List<String> body, String url, String lang, String publishedAt) {

  public Draft {
    tags = List.copyOf(tags);
    body = List.copyOf(body);
  }
}
