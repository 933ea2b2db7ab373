package io.newspush.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/** Where the static publisher tokens come from: configuration, or one generated and kept on disk. */
public final class PublisherTokens {
  private static final String FILE = "publisher-token";

  private PublisherTokens() {}

  /**
   * The configured tokens, or the one generated on first start and kept (readable by its owner
   * only) in the data directory. Blocking: call at start-up, not on an event loop.
   */
  public static List<String> configuredOrGenerated(List<String> configured, Path dataDir) {
    return configured.isEmpty() ? List.of(generated(dataDir)) : configured;
  }

  private static String generated(Path dataDir) {
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
