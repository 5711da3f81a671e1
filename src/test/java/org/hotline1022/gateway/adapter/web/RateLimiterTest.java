package org.hotline1022.gateway.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
  @Test
  void aClientGetsItsBurstThenIsRefusedWhileOthersAreNot() {
    RateLimiter limiter = new RateLimiter(60, 2, 1000);
    assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
    assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
    assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
    assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
    assertThat(limiter.tryAcquire("10.0.0.2")).isTrue();
    assertThat(limiter.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void zeroSwitchesLimitingOff() {
    RateLimiter limiter = new RateLimiter(0, 0, 1000);
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
    }
  }
}
