package io.newspush.article;

/** A publish request the server refuses; {@code code} is the protocol's error code. */
public final class InvalidArticleException extends IllegalArgumentException {
  private final String code;

  public InvalidArticleException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
