package org.hotline1022.gateway.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs sipp (Debian {@code sip-tester}) as a real SIP peer on loopback with a scenario from
 * {@code src/test/resources/sip/}, a random local port, {@code -trace_err -trace_stat -trace_counts
 * -trace_rtt} and a timeout, and returns its exit code with the parsed counters. Without sipp on the
 * PATH a test is skipped loudly, or fails under {@code CI=true}.
 */
public final class Sipp {
  private final String scenario;
  private final List<String> args = new ArrayList<>();
  private String remote;
  private String transport = "u1";
  private String inf;
  private int localPort = Ports.free();
  private Duration timeout = Duration.ofSeconds(60);
  private boolean traceMessages;

  private Sipp(String scenario) {
    this.scenario = scenario;
  }

  /** True when a {@code sipp} binary is on the PATH. */
  public static boolean installed() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "sipp")));
  }

  /** Skips the calling test without sipp, or fails it under {@code CI=true}. */
  public static void assumeInstalled() {
    if (!installed()) {
      String reason = "sipp (Debian sip-tester) is not on the PATH: SIP interop tests NOT RUN";
      if ("true".equals(System.getenv("CI"))) {
        fail(reason + "; CI=true, so this is a failure, not a skip");
      }
      System.err.println("SKIPPED: " + reason);
      Assumptions.assumeTrue(false, reason);
    }
  }

  /** A run of {@code src/test/resources/sip/<name>}. */
  public static Sipp scenario(String name) {
    return new Sipp(name);
  }

  /** The peer to send to ({@code host:port}); omit for a scenario that waits for requests. */
  public Sipp to(String host, int port) {
    this.remote = host + ":" + port;
    return this;
  }

  /** {@code u1} (UDP, one socket) or {@code t1} (TCP, one connection). */
  public Sipp transport(String t) {
    this.transport = t;
    return this;
  }

  public Sipp calls(int m) {
    return arg("-m", Integer.toString(m));
  }

  public Sipp rate(double cps) {
    return arg("-r", Double.toString(cps)).arg("-rp", "1000");
  }

  public Sipp limit(int l) {
    return arg("-l", Integer.toString(l));
  }

  /** An injection file ({@code -inf}) from {@code src/test/resources/sip/} or an absolute path. */
  public Sipp inf(String name) {
    this.inf = name;
    return this;
  }

  public Sipp localPort(int port) {
    this.localPort = port;
    return this;
  }

  public int localPort() {
    return localPort;
  }

  /** sipp's own {@code -timeout} (a timeout counts as failure); the process is killed 15 s later. */
  public Sipp timeout(Duration t) {
    this.timeout = t;
    return this;
  }

  /** Also writes every message to {@code messages.log} in the run directory (debugging). */
  public Sipp traceMessages() {
    this.traceMessages = true;
    return this;
  }

  public Sipp arg(String... more) {
    args.addAll(Arrays.asList(more));
    return this;
  }

  /** Runs sipp to the end (blocking). */
  public Result run() {
    return start().await();
  }

  /** Starts sipp and returns at once; {@link Running#await()} collects the result. */
  public Running start() {
    try {
      Path dir = Files.createTempDirectory("sipp-");
      copy(scenario, dir);
      List<String> cmd = new ArrayList<>(List.of("sipp"));
      if (remote != null) {
        cmd.add(remote);
      }
      cmd.addAll(List.of("-sf", scenario, "-i", "127.0.0.1", "-p", Integer.toString(localPort), "-t", transport, "-nostdin",
          "-trace_err", "-error_file", "errors.log", "-trace_stat", "-stf", "stat.csv", "-fd", "1", "-trace_counts",
          "-trace_rtt", "-rtt_freq", "1", "-timeout", timeout.toSeconds() + "s", "-timeout_error"));
      if (inf != null) {
        cmd.addAll(List.of("-inf", inf.startsWith("/") ? inf : copy(inf, dir)));
      }
      if (traceMessages) {
        cmd.addAll(List.of("-trace_msg", "-message_file", "messages.log"));
      }
      cmd.addAll(args);
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("output.txt").toFile()).start();
      return new Running(p, dir, timeout.plusSeconds(15));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String copy(String resource, Path dir) throws IOException {
    try (InputStream in = Sipp.class.getResourceAsStream("/sip/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource sip/" + resource);
      }
      Files.copy(in, dir.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
    }
    return resource;
  }

  /** A sipp process in flight. */
  public static final class Running {
    private final Process process;
    private final Path dir;
    private final Duration limit;

    Running(Process process, Path dir, Duration limit) {
      this.process = process;
      this.dir = dir;
      this.limit = limit;
    }

    /** sipp's process id: what its {@code [pid]} keyword expands to. */
    public long pid() {
      return process.pid();
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    /** Stops it (only this process). */
    public void stop() {
      process.destroy();
    }

    public Result await() {
      try {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        return Result.read(process.exitValue(), dir);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new AssertionError(e);
      }
    }
  }

  /**
   * What a run left: exit code (0 all calls OK, 1 some failed, 99 no calls, 255 fatal, 254 bind
   * failure), the last line of the statistics file, the message counters and the response times.
   */
  public record Result(int exit, Map<String, String> stats, Map<String, Long> counts, List<Long> rttMs, String errors, Path dir) {

    static Result read(int exit, Path dir) {
      Map<String, String> stats = lastRow(dir.resolve("stat.csv"));
      Map<String, Long> counts = new LinkedHashMap<>();
      List<Long> rtt = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          String n = f.getFileName().toString();
          if (n.endsWith("_counts.csv")) {
            lastRow(f).forEach((k, v) -> {
              try {
                counts.put(k, Long.parseLong(v.trim()));
              } catch (NumberFormatException ignored) {
                // time columns
              }
            });
          } else if (n.endsWith("_rtt.csv")) {
            for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
              String[] p = line.split(";");
              if (p.length >= 2 && !p[0].startsWith("Date")) {
                rtt.add(Math.round(Double.parseDouble(p[1])));
              }
            }
          }
        }
        Path err = dir.resolve("errors.log");
        String errors = Files.exists(err) ? Files.readString(err, StandardCharsets.ISO_8859_1) : "";
        return new Result(exit, stats, counts, rtt, errors, dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static Map<String, String> lastRow(Path csv) {
      Map<String, String> row = new HashMap<>();
      try {
        if (!Files.exists(csv)) {
          return row;
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.ISO_8859_1).stream().filter(l -> !l.isBlank()).toList();
        if (lines.size() < 2) {
          return row;
        }
        String[] head = lines.get(0).split(";");
        String[] last = lines.get(lines.size() - 1).split(";", -1);
        for (int i = 0; i < head.length && i < last.length; i++) {
          row.put(head[i].trim(), last[i]);
        }
        return row;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private long stat(String name) {
      String v = stats.get(name);
      return v == null || v.isBlank() ? -1 : Long.parseLong(v.trim());
    }

    public long successful() {
      return stat("SuccessfulCall(C)");
    }

    public long failed() {
      return stat("FailedCall(C)");
    }

    public long retransmissions() {
      return stat("Retransmissions(C)");
    }

    /** Sum of the message counters whose column name ends with {@code suffix}, e.g. {@code _486_Retrans}. */
    public long count(String suffix) {
      return counts.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).mapToLong(Map.Entry::getValue).sum();
    }

    /** The q-quantile of the measured response times in ms (nearest rank), or -1 without samples. */
    public long rttQuantile(double q) {
      if (rttMs.isEmpty()) {
        return -1;
      }
      List<Long> s = rttMs.stream().sorted().toList();
      return s.get(Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1));
    }

    public String output() {
      try {
        return Files.readString(dir.resolve("output.txt"), StandardCharsets.ISO_8859_1);
      } catch (IOException e) {
        return "";
      }
    }

    /** For assertion messages: exit code, counters and the first errors. */
    public String describe() {
      return "sipp exit " + exit + ", successful " + successful() + ", failed " + failed() + ", retransmissions " + retransmissions()
          + ", dir " + dir + (errors.isBlank() ? "" : ", errors:\n" + errors.substring(0, Math.min(2000, errors.length())));
    }
  }
}
