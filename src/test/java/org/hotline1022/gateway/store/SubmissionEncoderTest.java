package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubmissionEncoderTest {
  @Test
  void nulIsDroppedAndLoneSurrogatesReplaced() {
    assertThat(SubmissionEncoder.clean("a\u0000b")).isEqualTo("ab");
    assertThat(SubmissionEncoder.clean("x\uD800y")).isEqualTo("x\uFFFDy");
    assertThat(SubmissionEncoder.clean("emoji \uD83D\uDE00 ok")).isEqualTo("emoji \uD83D\uDE00 ok");
    String plain = "Tiếng Việt";
    assertThat(SubmissionEncoder.clean(plain)).isSameAs(plain);
  }
}
