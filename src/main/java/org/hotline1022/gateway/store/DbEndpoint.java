package org.hotline1022.gateway.store;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** How to reach the Postgres server in use, and the one way pools are opened on it. */
public record DbEndpoint(PgConnectOptions connectOptions, String jdbcUrl, String user, String password, int connectTimeoutMs) {

  /** From {@code postgresql://user:pass@host:port/db}. */
  public static DbEndpoint fromUrl(String url, int connectTimeoutMs) {
    PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("postgres://") ? "postgresql://" + url.substring(11) : url);
    // an acknowledged inquiry must survive a crash whatever the server's default says
    options.setPipeliningLimit(256).setCachePreparedStatements(true).addProperty("synchronous_commit", "on");
    // migrations are acknowledged work too: durable commits whatever the server's default
    String jdbc = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase()
        + "?options=-c%20synchronous_commit%3Don";
    return new DbEndpoint(options, jdbc, options.getUser(), options.getPassword(), connectTimeoutMs);
  }

  public static DbEndpoint local(int port, String user, String database, int connectTimeoutMs) {
    return fromUrl("postgresql://" + user + "@127.0.0.1:" + port + "/" + database, connectTimeoutMs);
  }

  /**
   * A pool owned by the calling verticle (closed when it is undeployed). A dead server fails
   * requests after the connect timeout instead of letting them wait indefinitely.
   */
  public Pool pool(Vertx vertx, String name, int size, boolean shared) {
    return pool(vertx, name, size, shared, connectOptions);
  }

  /**
   * A pool for statements that follow the event log ({@code seq > $1}, a cursor that only grows):
   * the server plans each execution for its value. A generic plan cached while the table was empty
   * stays a sequential scan of the whole log, read again on every poll (measured: ~3,000 pages per
   * read of a few dozen events after 25,000 events).
   */
  public Pool cursorPool(Vertx vertx, String name, int size, boolean shared) {
    return pool(vertx, name, size, shared, new PgConnectOptions(connectOptions).addProperty("plan_cache_mode", "force_custom_plan"));
  }

  private Pool pool(Vertx vertx, String name, int size, boolean shared, PgConnectOptions options) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(name).setShared(shared)
            .setConnectionTimeout(connectTimeoutMs).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout(connectTimeoutMs).setTcpNoDelay(true))
        .connectingTo(options)
        .using(vertx)
        .build();
  }
}
