package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Map;
import org.hotline1022.gateway.adapter.mail.MimeDecoder;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.MailConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replies over real SMTP (GreenMail on loopback) carry the threading headers and a readable subject. */
class SmtpReplySenderIT {
  GreenMail mail;
  Vertx vertx;
  SmtpReplySender sender;

  @BeforeEach
  void start() {
    int port = Ports.free();
    mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    vertx = Vertx.vertx();
    MailConfig cfg = MailConfig.fromYaml(ConfigFiles.read("gateway.yaml"),
        Map.of("HOTLINE_SMTP_URL", "smtp://127.0.0.1:" + port, "HOTLINE_MAIL_FROM_ADDRESS", "1022@tinh.gov.vn"));
    sender = new SmtpReplySender(vertx, cfg);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    mail.stop();
  }

  private static OutboundReply reply(String subject) {
    return new OutboundReply(7, 99, 12, "1022-ABCD-EFGH", Channel.EMAIL, "Chúng tôi đã chuyển phản ánh đến UBND phường.", subject,
        "Dan@Example.VN", "Nguyễn Văn Dân", "root@example.vn", "latest@example.vn", 1);
  }

  @Test
  void replyShouldCarryOurMessageIdThreadingHeadersAndTrackingCode() throws Exception {
    var ctx = vertx.getOrCreateContext();
    io.vertx.core.Promise<Void> sent = io.vertx.core.Promise.promise();
    ctx.runOnContext(v -> sender.send(reply("Re: Đèn đường hỏng")).onComplete(sent));
    sent.future().await();

    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage m = received[0];
    assertThat(m.getHeader("Message-ID", null)).matches("<1022\\.99\\.[0-9a-z]{16}@tinh\\.gov\\.vn>");
    assertThat(m.getHeader("In-Reply-To", null)).isEqualTo("<latest@example.vn>");
    assertThat(m.getHeader("References", null)).isEqualTo("<root@example.vn> <latest@example.vn>");
    assertThat(m.getSubject()).isEqualTo("Re: Đèn đường hỏng [1022-ABCD-EFGH]");
    assertThat(m.getAllRecipients()[0].toString()).isEqualTo("dan@example.vn");

    // the citizen's client answers with References root-first: our decoder threads it to the same root
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    Inbound echoed = new MimeDecoder(new MimeDecoder.Limits(1 << 20, 50, 65536, 1 << 20))
        .decode(out.toByteArray(), new MimeDecoder.Origin("INBOX", 1, 1, Instant.now()));
    assertThat(echoed.threadKey()).isEqualTo("root@example.vn");
    assertThat(echoed.text()).isEqualTo("Chúng tôi đã chuyển phản ánh đến UBND phường.");
  }

  @Test
  void subjectShouldNotStackPrefixesOrRepeatTheCode() {
    assertThat(SmtpReplySender.subject(reply("RE: Tl: Hỏi [1022-ABCD-EFGH]"))).isEqualTo("Re: Hỏi [1022-ABCD-EFGH]");
    assertThat(SmtpReplySender.subject(reply(null))).isEqualTo("Re: Phản ánh [1022-ABCD-EFGH]");
  }

  @Test
  void aNonEmailAddressShouldFailPermanently() {
    OutboundReply r = reply("x");
    OutboundReply bad = new OutboundReply(r.outboxId(), r.messageId(), r.inquiryId(), r.trackingCode(), r.channel(), r.text(),
        r.subject(), "+84912345678", null, null, null, 1);
    Throwable t = sender.send(bad).cause();
    assertThat(t).isInstanceOf(DeliveryException.class);
    assertThat(((DeliveryException) t).permanent()).isTrue();
  }
}
