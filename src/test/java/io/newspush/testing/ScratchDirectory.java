package io.newspush.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary directories for the databases and nodes the tests start. Whoever starts one deletes
 * its directory when it stops: an embedded PostgreSQL leaves 50-700 MB, and a test run that
 * kept them filled a disk after a few hundred runs.
 */
public final class ScratchDirectory {
  private ScratchDirectory() {}

  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the directory and everything in it; what cannot be deleted is left, not worth failing a test for. */
  public static void delete(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException gone) {
      // Already deleted, or a file vanished while walking: nothing left to do.
    }
  }
}
