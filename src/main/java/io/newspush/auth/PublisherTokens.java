package io.newspush.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The static bearer secrets that may publish. Compared in constant time. */
public final class PublisherTokens {
  private static final String FILE = "publisher-token";

  private final List<byte[]> tokens;

  public PublisherTokens(List<String> tokens) {
    this.tokens = tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  public enum Verdict { ALLOWED, MISSING, WRONG }

  /** Checks an {@code Authorization} header value. */
  public Verdict check(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Verdict.MISSING;
    }
    byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] token : tokens) {
      match |= MessageDigest.isEqual(token, presented);
    }
    return match ? Verdict.ALLOWED : Verdict.WRONG;
  }

  /**
   * The configured token, or the one generated on first start and kept (readable by its owner
   * only) in the data directory. Blocking: call at start-up, not on an event loop.
   */
  public static String configuredOrGenerated(Optional<String> configured, Path dataDir) {
    if (configured.isPresent()) {
      return configured.get();
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      Files.createDirectories(dataDir);
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the publisher token in " + file, e);
    }
  }
}
