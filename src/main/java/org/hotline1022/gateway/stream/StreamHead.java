package org.hotline1022.gateway.stream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The feed's position, shared with the hubs: {@code delivered} is the newest seq handed to the hubs,
 * {@code known} the newest seq the database announced. Their difference is the feed's lag.
 */
public final class StreamHead {
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong known = new AtomicLong();

  public long delivered() {
    return delivered.get();
  }

  public long known() {
    return Math.max(known.get(), delivered.get());
  }

  void delivered(long seq) {
    delivered.accumulateAndGet(seq, Math::max);
  }

  void known(long seq) {
    known.accumulateAndGet(seq, Math::max);
  }

  public long lag() {
    return Math.max(0, known() - delivered());
  }
}
