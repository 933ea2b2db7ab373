package io.newspush.article;

import java.util.List;

/** One stored article, exactly as the wire protocol describes it. Text is kept byte for byte. */
public record Article(
    String id, long seq, String topic, List<String> tags, String title, String subtitle,
    String author, String summary, List<String> body, String url, String lang, String publishedAt) {

  public Article {
    tags = List.copyOf(tags);
    body = List.copyOf(body);
  }
}
