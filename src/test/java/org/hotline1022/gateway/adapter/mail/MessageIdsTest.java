package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Re: Đèn hỏng [1022-AB7K-9Q2X]|1022-AB7K-9Q2X",
      "re: mã 1022 ab7k 9q2x nhé|1022-AB7K-9Q2X",
      "Bổ sung 1022_AB7K_9Q2X|1022-AB7K-9Q2X",
      "1022-ABOK-9QIX (O và I gõ nhầm)|1022-AB0K-9Q1X",
      "Gọi 1022 nhiều lần|",
      "số 102212345678901|",
      "x1022-AB7K-9Q2X|",
      "1022-AB7K-9Q2XY|",
      "|"})
  void subjectCodeShouldReadRetypedCodesAndNothingElse(String subject, String expected) {
    assertThat(MessageIds.subjectCode(subject).orElse(null)).isEqualTo(expected);
  }

  @Test
  void contentHashShouldIgnoreTransitHeadersButNotContent() {
    String body = "\r\n\r\nNội dung\r\n";
    byte[] a = ("Received: from a\r\nFrom: x@y.vn" + body).getBytes(StandardCharsets.UTF_8);
    byte[] b = ("Received: from b\r\nDelivered-To: hotline\r\nFrom: x@y.vn" + body).getBytes(StandardCharsets.UTF_8);
    byte[] c = ("From: x@y.vn\r\n\r\nNội dung khác\r\n").getBytes(StandardCharsets.UTF_8);
    String ha = MessageIds.contentHash(a, "x@y.vn", "d", "s");
    assertThat(MessageIds.contentHash(b, "x@y.vn", "d", "s")).isEqualTo(ha);
    assertThat(MessageIds.contentHash(c, "x@y.vn", "d", "s")).isNotEqualTo(ha);
    assertThat(MessageIds.contentHash(a, "x@y.vn", "d", "other subject")).isNotEqualTo(ha);
    assertThat(ha).hasSize(32);
  }
}
