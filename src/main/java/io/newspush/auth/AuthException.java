package io.newspush.auth;

/** A refused token or pattern; {@code status} is 401 (who are you?) or 403 (not that). */
public final class AuthException extends RuntimeException {
  private final int status;
  private final String code;

  private AuthException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static AuthException unauthorized(String message) {
    return new AuthException(401, "unauthorized", message);
  }

  public static AuthException forbidden(String message) {
    return new AuthException(403, "forbidden", message);
  }

  /** The refusal a failed verification stands for; anything unexpected counts as a bad token. */
  public static AuthException of(Throwable failure) {
    return failure instanceof AuthException refusal ? refusal : unauthorized("the token could not be verified");
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
