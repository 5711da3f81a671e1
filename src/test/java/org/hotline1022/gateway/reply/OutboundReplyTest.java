package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import org.hotline1022.gateway.inquiry.Channel;
import org.junit.jupiter.api.Test;

class OutboundReplyTest {

  @Test
  void toStringShowsIdsButNeverTextOrContact() {
    OutboundReply r = new OutboundReply(7, 70, 700, "1022-ABCD-EFGH", Channel.EMAIL, "Kính gửi ông A", "Re: tiêm",
        "a@example.vn", "Nguyễn Văn A", "<root@x>", "<m1@x>", 2);
    assertThat(r.toString()).contains("outboxId=7", "inquiryId=700", "email", "attempts=2")
        .doesNotContain("Kính gửi", "a@example.vn", "Nguyễn", "1022-ABCD");
  }

  @Test
  void unclassifiedSenderFailureIsRetryable() {
    DeliveryException e = DeliveryException.of(new IllegalStateException("boom"));
    assertThat(e.permanent()).isFalse();
    assertThat(e.code()).isEqualTo("error");
    DeliveryException p = DeliveryException.permanent("rejected", "invalid recipient");
    assertThat(DeliveryException.of(p)).isSameAs(p);
  }
}
