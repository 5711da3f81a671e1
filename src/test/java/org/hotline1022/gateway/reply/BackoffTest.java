package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delayDoublesPerAttemptWithinTheUpperHalfOfEachStep() {
    Backoff b = new Backoff(1000, 600_000, new Random(42));
    for (int attempts = 1; attempts <= 8; attempts++) {
      long step = 1000L << (attempts - 1);
      for (int i = 0; i < 200; i++) {
        assertThat(b.delayMs(attempts)).isBetween(step / 2, step);
      }
    }
  }

  @Test
  void delayNeverExceedsTheCapEvenAfterManyAttempts() {
    Backoff b = new Backoff(2000, 600_000, new Random(1));
    for (int attempts : new int[] {20, 63, 64, 1000, Integer.MAX_VALUE}) {
      assertThat(b.delayMs(attempts)).isBetween(300_000L, 600_000L);
    }
  }

  @Test
  void sameSeedGivesSameDelays() {
    Backoff a = new Backoff(500, 60_000, new Random(9));
    Backoff b = new Backoff(500, 60_000, new Random(9));
    for (int attempts = 1; attempts < 10; attempts++) {
      assertThat(a.delayMs(attempts)).isEqualTo(b.delayMs(attempts));
    }
  }

  @Test
  void jitterSpreadsRetriesThatFailedTogether() {
    Backoff b = new Backoff(1000, 600_000, new Random(3));
    long distinct = java.util.stream.IntStream.range(0, 50).mapToLong(i -> b.delayMs(4)).distinct().count();
    assertThat(distinct).isGreaterThan(40);
  }
}
