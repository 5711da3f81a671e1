package org.hotline1022.gateway.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamHeadTest {

  @Test
  void lagInSecondsRunsWhileBehindAndResetsWhenCaughtUp() {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    StreamHead head = new StreamHead(clock::get);
    head.delivered(10);
    assertThat(head.lag()).isZero();
    assertThat(head.lagSeconds()).isZero();

    head.known(15);
    clock.addAndGet(2_500_000_000L);
    assertThat(head.lag()).isEqualTo(5);
    assertThat(head.lagSeconds()).isEqualTo(2.5);

    head.delivered(12);
    clock.addAndGet(1_000_000_000L);
    assertThat(head.lagSeconds()).as("still behind: the clock keeps running").isEqualTo(3.5);

    head.delivered(15);
    assertThat(head.lag()).isZero();
    assertThat(head.lagSeconds()).isZero();
    head.known(16);
    clock.addAndGet(500_000_000L);
    assertThat(head.lagSeconds()).as("a new fall-behind starts a new clock").isEqualTo(0.5);
  }
}
