package org.hotline1022.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the files of {@code conf/}: first in {@code HOTLINE_CONF_DIR} (default {@code ./conf}), so an
 * operator edits them without a rebuild (a Kubernetes ConfigMap mounts there), then the copy inside
 * the jar. Blocking: call at startup or from a worker, never on an event loop.
 */
public final class ConfigFiles {
  private ConfigFiles() {}

  public static Path confDir() {
    String dir = System.getenv("HOTLINE_CONF_DIR");
    return Path.of(dir == null || dir.isBlank() ? "conf" : dir);
  }

  /** The text of {@code conf/<name>}; throws IllegalStateException naming the file if it is nowhere. */
  public static String read(String name) {
    Path file = confDir().resolve(name);
    try {
      if (Files.isRegularFile(file)) {
        return Files.readString(file, StandardCharsets.UTF_8);
      }
      try (InputStream in = ConfigFiles.class.getClassLoader().getResourceAsStream("conf/" + name)) {
        if (in == null) {
          throw new IllegalStateException("config file not found: " + file.toAbsolutePath() + " (nor conf/" + name + " in the jar)");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read config file " + file, e);
    }
  }
}
