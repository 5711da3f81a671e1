package org.hotline1022.gateway.intake;

import io.vertx.core.Future;

/**
 * A cluster-wide "one at a time" for jobs any gateway process may run (reconciliation of a
 * platform): implemented by the store, reached by adapters through this interface only. Calls may
 * come from any context.
 */
public interface RunLock {

  /** Held until {@link #release()}; also given up by the database if this process dies. */
  interface Held {
    /** Gives the lock up; never fails (a lost connection already released it). */
    Future<Void> release();
  }

  /**
   * Takes the lock named {@code name} without waiting. Succeeds with null when another process
   * holds it; fails when the database cannot be reached.
   */
  Future<Held> tryAcquire(String name);
}
