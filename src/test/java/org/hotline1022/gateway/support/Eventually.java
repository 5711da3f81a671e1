package org.hotline1022.gateway.support;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls for an asynchronous outcome until a deadline; the deadline only bounds a failing test. */
public final class Eventually {
  private Eventually() {}

  public static void until(Duration limit, String what, Callable<Boolean> condition) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(25);
    }
  }
}
