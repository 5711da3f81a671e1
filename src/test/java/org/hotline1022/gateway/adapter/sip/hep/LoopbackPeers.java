package org.hotline1022.gateway.adapter.sip.hep;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Kamailio and sipp as real peers on loopback: lookup, resources, processes we start and stop by PID. */
final class LoopbackPeers {
  private LoopbackPeers() {}

  /** The executable on PATH; fails under CI=true when missing, else skips loudly. */
  static String require(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    for (String dir : List.of("/usr/sbin", "/usr/bin")) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    String why = name + " is not installed (Debian: kamailio, sip-tester); HEP integration tests need it";
    if ("true".equals(System.getenv("CI"))) {
      fail(why);
    }
    System.err.println("SKIPPED: " + why);
    Assumptions.assumeTrue(false, why);
    return null;
  }

  /** The Kamailio module directory of this machine (Debian multiarch path). */
  static String modulePath() {
    for (String arch : List.of("x86_64-linux-gnu", "aarch64-linux-gnu")) {
      Path p = Path.of("/usr/lib", arch, "kamailio/modules");
      if (Files.isDirectory(p)) {
        return p + "/";
      }
    }
    return "/usr/lib/kamailio/modules/";
  }

  static Path resource(String name, Path dir) throws IOException {
    try (InputStream in = LoopbackPeers.class.getResourceAsStream("/sip/hep/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      Path out = dir.resolve(name);
      Files.write(out, in.readAllBytes());
      return out;
    }
  }

  static Path text(Path dir, String name, String content) throws IOException {
    Path out = dir.resolve(name);
    Files.writeString(out, content, StandardCharsets.UTF_8);
    return out;
  }

  /** A sipp caller file with {@code n} distinct numbers {@code prefix + 4 digits}. */
  static Path callers(Path dir, String name, String prefix, int n) throws IOException {
    StringBuilder b = new StringBuilder("SEQUENTIAL\n");
    for (int i = 0; i < n; i++) {
      b.append(prefix).append(String.format("%04d", i)).append(";Nguoi goi ").append(i).append('\n');
    }
    return text(dir, name, b.toString());
  }

  static Process start(Path workDir, Path log, List<String> command) throws IOException {
    return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** Stops a process we started and everything it forked (Kamailio's children), by PID only. */
  static void stop(Process p) {
    if (p == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.forEach(h -> {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    });
  }

  static int await(Process p, long seconds, Path log) throws Exception {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      stop(p);
      fail("peer did not finish within " + seconds + " s; log " + log + ":\n" + tail(log));
    }
    return p.exitValue();
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
