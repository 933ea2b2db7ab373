package io.newspush.config;

/** A setting with a value the server cannot start with; the message names the setting. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
