package org.hotline1022.gateway.health;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.hotline1022.gateway.store.DbEndpoint;
import io.vertx.sqlclient.Pool;

/** Checks every two seconds that the database answers, for readiness. */
public final class DatabaseProbeVerticle extends VerticleBase {
  private final DbEndpoint db;
  private final Readiness readiness;
  private Pool pool;

  public DatabaseProbeVerticle(DbEndpoint db, Readiness readiness) {
    this.db = db;
    this.readiness = readiness;
  }

  @Override
  public Future<?> start() {
    pool = db.pool(vertx, "hotline-probe", 1, false);
    vertx.setPeriodic(2000, id -> probe());
    return probe();
  }

  private Future<?> probe() {
    return pool.query("select 1").execute()
        .onComplete(ar -> readiness.set("database", ar.succeeded()))
        .otherwiseEmpty();
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
