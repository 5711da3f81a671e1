package org.hotline1022.gateway.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Prometheus's {@code promtool} (Debian package {@code prometheus}). Missing: the test fails
 * under {@code CI=true} and is skipped loudly otherwise.
 */
public final class Promtool {
  private Promtool() {}

  /** What promtool answered. */
  public record Result(int exit, String output) {}

  /** The promtool on PATH, or the test stops (fails in CI, skipped elsewhere). */
  public static Path require() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String msg = "promtool is not on PATH (Debian package 'prometheus', installed by .ci/run)";
    if ("true".equals(System.getenv("CI"))) {
      fail(msg);
    }
    System.err.println("SKIPPED LOUDLY: " + msg);
    Assumptions.assumeTrue(false, msg);
    return null;
  }

  /** Runs promtool with {@code args}, feeding {@code stdin} (may be null), in {@code dir}. */
  public static Result run(Path dir, String stdin, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(require().toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("promtool " + args[0] + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), out);
  }
}
