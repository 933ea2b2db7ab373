package io.newspush.store;

/** What the publisher is told once its article is committed and sequenced. */
public record Published(String id, long seq) {}
