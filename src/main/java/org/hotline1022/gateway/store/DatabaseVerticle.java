package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.hotline1022.gateway.config.DbConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the database server when it is embedded, and brings the schema up to date (Flyway) before
 * anything else is deployed. Both are blocking, so they run on the named worker pool
 * {@code hotline-db-admin}, never on an event loop.
 */
public final class DatabaseVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseVerticle.class);

  private final DbConfig config;
  private final Path dataDir;
  private WorkerExecutor admin;
  private EmbeddedPostgres embedded;
  private volatile DbEndpoint endpoint;

  public DatabaseVerticle(DbConfig config, Path dataDir) {
    this.config = config;
    this.dataDir = dataDir;
  }

  /** The server in use; set once {@link #start()} has succeeded. */
  public DbEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public Future<?> start() {
    admin = vertx.createSharedWorkerExecutor("hotline-db-admin", 1, 10, java.util.concurrent.TimeUnit.MINUTES);
    return admin.executeBlocking(() -> {
      DbEndpoint ep = config.embedded() ? startEmbedded() : DbEndpoint.fromUrl(config.url(), config.connectTimeoutMs());
      migrate(ep);
      endpoint = ep;
      return ep;
    }, false);
  }

  private DbEndpoint startEmbedded() throws IOException {
    Path pgData = dataDir.toAbsolutePath().resolve("pg");
    Files.createDirectories(pgData.getParent());
    LOG.info("starting embedded postgres [dataDir: {}]", pgData);
    embedded = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false) // closed by stop(), after the writer has drained
        .setPort(config.embeddedPort())
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200")
        // the library's defaults favour test speed (synchronous_commit=off); the gateway's acks need durable commits
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
    LOG.info("embedded postgres ready [port: {}]", embedded.getPort());
    return DbEndpoint.local(embedded.getPort(), "postgres", "postgres", config.connectTimeoutMs());
  }

  static void migrate(DbEndpoint ep) {
    var result = Flyway.configure()
        .dataSource(ep.jdbcUrl(), ep.user(), ep.password())
        .locations("classpath:db/migration")
        // migrations are written on parallel branches: a data folder that already has V7 must still take a later-merged V6
        .outOfOrder(true)
        .load()
        .migrate();
    LOG.info("schema up to date [version: {}, applied now: {}]", result.targetSchemaVersion, result.migrationsExecuted);
  }

  @Override
  public Future<?> stop() {
    if (embedded == null) {
      return Future.succeededFuture();
    }
    return admin.executeBlocking(() -> {
      embedded.close();
      LOG.info("embedded postgres stopped");
      return null;
    }, false);
  }
}
