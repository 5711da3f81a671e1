package org.hotline1022.gateway.stream;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The feed's position, shared with the hubs: {@code delivered} is the newest seq handed to the hubs,
 * {@code known} the newest seq the database announced. Their difference is the feed's lag; how long
 * the feed has been behind is its lag in seconds (0 when caught up).
 */
public final class StreamHead {
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong known = new AtomicLong();
  private final LongSupplier nanoTime;
  /** System.nanoTime() when the feed fell behind; 0 while caught up. */
  private volatile long behindSince;

  public StreamHead() {
    this(System::nanoTime);
  }

  StreamHead(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  public long delivered() {
    return delivered.get();
  }

  public long known() {
    return Math.max(known.get(), delivered.get());
  }

  void delivered(long seq) {
    delivered.accumulateAndGet(seq, Math::max);
    if (lag() == 0) {
      behindSince = 0;
    }
  }

  void known(long seq) {
    known.accumulateAndGet(seq, Math::max);
    if (lag() > 0 && behindSince == 0) {
      behindSince = nanoTime.getAsLong();
    }
  }

  public long lag() {
    return Math.max(0, known() - delivered());
  }

  /** Seconds since the oldest announced but undelivered event was announced; 0 when caught up. */
  public double lagSeconds() {
    long since = behindSince;
    return since == 0 || lag() == 0 ? 0 : (nanoTime.getAsLong() - since) / 1e9;
  }
}
