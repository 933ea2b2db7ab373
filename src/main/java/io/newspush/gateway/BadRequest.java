package io.newspush.gateway;

/** A request the gateway refuses before doing any work; carries the HTTP status and error code. */
final class BadRequest extends RuntimeException {
  private final int status;
  private final String code;

  BadRequest(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
