package org.hotline1022.gateway.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Postgres server owned by a test (the embedded binaries, run through {@code unshare -U} as
 * root), so a test can kill it hard and start it again on the same data, as a crash would.
 */
public final class PgServer implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres pg;

  private PgServer(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  public static PgServer start(Path dataDir) throws IOException {
    PgServer s = new PgServer(dataDir, Ports.free());
    s.startProcess();
    return s;
  }

  private void startProcess() throws IOException {
    Files.createDirectories(dataDir);
    pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
        .setRegisterShutdownHook(true).setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200").start(); // the library default synchronous_commit=off: the gateway must insist on durable commits itself
  }

  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  /** SIGKILL to the postmaster, as a crash or an OOM kill would do. */
  public void kill() throws IOException, InterruptedException {
    String pid = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
    new ProcessBuilder("kill", "-9", pid).inheritIO().start().waitFor();
    // the backends notice their postmaster is gone; wait for the port to close
    for (int i = 0; i < 100 && Ports.open(port); i++) {
      Thread.sleep(50);
    }
    close(); // releases the library's lock on the data folder; the server is already gone
    pg = null;
  }

  /** Starts the server again on the same data (crash recovery runs). */
  public void restart() throws IOException {
    startProcess();
  }

  @Override
  public void close() throws IOException {
    if (pg != null) {
      try {
        pg.close();
      } catch (IOException | RuntimeException e) {
        // already dead after kill(): nothing to stop
      }
    }
  }
}
