package org.hotline1022.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.hotline1022.gateway.intake.RunLock;

/**
 * {@link RunLock} as a session-level Postgres advisory lock on a connection kept for the whole run:
 * no table, and a crashed process (or a lost connection) releases it by itself. Keyed by
 * {@code (NAMESPACE, hashtext(name))} so other advisory locks of the gateway cannot collide with it.
 */
public final class PgRunLock implements RunLock {
  /** The two-int advisory key space of run locks ("1022" + "RL"). */
  static final int NAMESPACE = 1022_0001;

  private final Pool pool;

  public PgRunLock(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Held> tryAcquire(String name) {
    return pool.getConnection().compose(conn -> conn.preparedQuery("select pg_try_advisory_lock($1, hashtext($2))")
        .execute(Tuple.of(NAMESPACE, name))
        .map(rows -> rows.iterator().next().getBoolean(0))
        .transform(ar -> {
          if (ar.succeeded() && ar.result()) {
            return Future.<Held>succeededFuture(() -> unlock(conn, name));
          }
          Future<Held> answer = ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause());
          return conn.close().transform(v -> answer);
        }));
  }

  private static Future<Void> unlock(SqlConnection conn, String name) {
    return conn.preparedQuery("select pg_advisory_unlock($1, hashtext($2))").execute(Tuple.of(NAMESPACE, name))
        .transform(ar -> conn.close()).otherwiseEmpty();
  }
}
