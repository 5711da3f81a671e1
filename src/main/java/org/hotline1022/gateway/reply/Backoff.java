package org.hotline1022.gateway.reply;

import java.util.Random;

/**
 * Delay before the next attempt: {@code base * 2^(attempts-1)}, capped, then "equal jitter" (a
 * random point in the upper half) so replies that failed together do not retry together.
 */
public final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final Random random;

  public Backoff(long baseMs, long maxMs, Random random) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** @param attempts attempts made so far (1 after the first failure) */
  public long delayMs(int attempts) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 40);
    long exp = baseMs > (maxMs >> doublings) ? maxMs : Math.min(maxMs, baseMs << doublings);
    long half = exp / 2;
    return exp - half + (half == 0 ? 0 : (long) (random.nextDouble() * (half + 1)));
  }
}
