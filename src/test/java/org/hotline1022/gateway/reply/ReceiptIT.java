package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic receipts with the tracking code, on for Zalo, Facebook and e-mail: one per new inquiry,
 * delivered by the channel's sender (the fake Zalo/Graph APIs, GreenMail SMTP), none for a message
 * joining an inquiry, a Facebook comment or auto-submitted mail.
 */
class ReceiptIT {
  static final Session SESSION = Session.getInstance(new Properties());
  @TempDir
  static Path dataDir;
  static Vertx fakeVertx;
  static ProviderFake fake;
  static GreenMail mail;
  static GreenMailUser inbox;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    fakeVertx = Vertx.vertx();
    fake = new ProviderFake(fakeVertx).zaloTokens(ZaloTokenIT.APP_SECRET, "at-r", "rt-r");
    int imap = Ports.free();
    int smtp = Ports.free();
    mail = new GreenMail(new ServerSetup[] {new ServerSetup(imap, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
        new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
    mail.start();
    inbox = mail.setUser("hotline@tinh.gov.vn", "hotline", "secret");
    gw = TestGateway.start(dataDir, Map.ofEntries(Map.entry("HOTLINE_RECEIPTS_ZALO", "true"), Map.entry("HOTLINE_RECEIPTS_FACEBOOK", "true"),
        Map.entry("HOTLINE_RECEIPTS_EMAIL", "true"), Map.entry("HOTLINE_RECEIPTS_POLL_INTERVAL_MS", "100"),
        Map.entry("HOTLINE_ZALO_OA_SECRET", ZaloFixtures.SECRET), Map.entry("HOTLINE_ZALO_APP_ID", ZaloFixtures.APP_ID),
        Map.entry("HOTLINE_ZALO_APP_SECRET", ZaloTokenIT.APP_SECRET), Map.entry("HOTLINE_ZALO_REFRESH_TOKEN", "rt-r"),
        Map.entry("HOTLINE_ZALO_ACCESS_TOKEN", "at-r"), Map.entry("HOTLINE_WEBHOOKS_ZALO_API_BASE_URL", fake.baseUrl()),
        Map.entry("HOTLINE_WEBHOOKS_ZALO_OAUTH_BASE_URL", fake.baseUrl()), Map.entry("HOTLINE_FACEBOOK_APP_SECRET", FacebookFixtures.SECRET),
        Map.entry("HOTLINE_FACEBOOK_PAGE_TOKEN", "page-token"), Map.entry("HOTLINE_WEBHOOKS_FACEBOOK_GRAPH_BASE_URL", fake.baseUrl()),
        Map.entry("HOTLINE_IMAP_URL", "imap://hotline:secret@127.0.0.1:" + imap + "/INBOX"),
        Map.entry("HOTLINE_SMTP_URL", "smtp://127.0.0.1:" + smtp), Map.entry("HOTLINE_MAIL_FROM_ADDRESS", "1022@tinh.gov.vn"),
        Map.entry("HOTLINE_MAIL_POLL_INTERVAL_MS", "200")));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    fake.close();
    fakeVertx.close().await();
    mail.stop();
  }

  static List<ProviderFake.Call> zaloSendsTo(String user) {
    return fake.calls(ProviderFake.ZALO_PATH).stream()
        .filter(c -> c.body().getJsonObject("recipient").getString("user_id").equals(user)).toList();
  }

  static double receipts(String channel, String outcome) {
    var c = gw.registry.find("hotline.receipts").tag("channel", channel).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /** Verifies that a new Zalo inquiry gets one receipt with its code, and a message joining it gets none. */
  @Test
  void aNewZaloInquiryGetsOneReceiptAndAFollowUpMessageNone() throws Exception {
    String user = "2468458835296400001";
    String code = SocialTraffic.zaloText(gw, user, "rcpt_z_1", "Cho hỏi lịch tiêm chủng tại phường");
    Eventually.until(Duration.ofSeconds(20), "receipt at Zalo", () -> zaloSendsTo(user).size() == 1);
    String text = zaloSendsTo(user).get(0).body().getJsonObject("message").getString("text");
    assertThat(text).contains(code).contains("Tổng đài 1022 đã tiếp nhận");

    // a second message joins the same inquiry
    assertThat(SocialTraffic.zaloText(gw, user, "rcpt_z_2", "Tôi ở tổ 4")).isEqualTo(code);
    // a later new inquiry's receipt proves the worker has read past the second message's event
    String other = "2468458835296400002";
    SocialTraffic.zaloText(gw, other, "rcpt_z_3", "Hỏi về trợ cấp");
    Eventually.until(Duration.ofSeconds(20), "receipt of the later inquiry", () -> zaloSendsTo(other).size() == 1);
    assertThat(zaloSendsTo(user)).hasSize(1);
    assertThat(gw.count("select count(*) from message m join inquiry i on i.id = m.inquiry_id where i.tracking_code = '" + code
        + "' and m.author = 'system:receipt' and m.direction = 'out'")).isEqualTo(1);
    // an anonymous Zalo user gets none (not reachable by the consultation message)
    String anon = "a1b2c3d4e5f60718293a";
    SocialTraffic.zalo(gw, ZaloFixtures.event("anonymous_send_text", anon, "rcpt_z_anon", System.currentTimeMillis(),
        new io.vertx.core.json.JsonObject().put("text", "Hỏi ẩn danh").put("conversation_id", "conv-1")), "rcpt_z_anon");
    Eventually.until(Duration.ofSeconds(20), "anonymous skipped", () -> receipts("zalo", "skipped_anonymous") == 1);
    assertThat(zaloSendsTo(anon)).isEmpty();
    Eventually.until(Duration.ofSeconds(10), "receipt rows sent",
        () -> gw.count("select count(*) from outbox o join message m on m.id = o.message_id where m.author = 'system:receipt'"
            + " and m.channel = 'zalo' and o.status <> 'sent'") == 0);
  }

  /** Verifies that a new Messenger inquiry gets one receipt and a Page comment gets none. */
  @Test
  void aNewFacebookInquiryGetsOneReceiptAndACommentNone() throws Exception {
    String psid = "5550000000000501";
    String code = SocialTraffic.facebook(gw, FacebookFixtures.text(psid, "m_rcpt_1", System.currentTimeMillis(), "Đèn đường hỏng"),
        "m_rcpt_1");
    Eventually.until(Duration.ofSeconds(20), "receipt at Graph", () -> fake.calls(ProviderFake.GRAPH_PATH).stream()
        .anyMatch(c -> psid.equals(c.body().getJsonObject("recipient").getString("id"))));
    assertThat(fake.calls(ProviderFake.GRAPH_PATH)).filteredOn(c -> psid.equals(c.body().getJsonObject("recipient").getString("id")))
        .singleElement().satisfies(c -> assertThat(c.body().getJsonObject("message").getString("text")).contains(code));

    SocialTraffic.facebookBody(gw, FacebookFixtures.comment("3333333333330502", "Trần Thị B", "444444444444444_555555555550502", "add"),
        "444444444444444_555555555550502");
    Eventually.until(Duration.ofSeconds(20), "comment skipped", () -> receipts("facebook", "skipped_comment") == 1);
    assertThat(fake.calls(ProviderFake.GRAPH_PATH)).noneMatch(c -> c.body().getJsonObject("recipient").containsKey("comment_id"));
  }

  /** Verifies that an auto-submitted mail gets no receipt while a citizen's mail gets one with its code. */
  @Test
  void autoSubmittedMailGetsNoReceiptAndACitizensMailOneWithTheCode() throws Exception {
    deliver("""
        From: Mailer <noreply@example.vn>
        To: hotline@tinh.gov.vn
        Subject: Tự động trả lời: Vắng mặt
        Auto-Submitted: auto-replied
        Message-ID: <auto-rcpt@example.vn>

        Tôi đang vắng mặt.
        """);
    deliver("""
        From: Dân <dan@example.vn>
        To: hotline@tinh.gov.vn
        Subject: Rác thải tồn đọng
        Message-ID: <human-rcpt@example.vn>

        Rác thải tồn đọng ở chợ phường 3 đã một tuần.
        """);
    Eventually.until(Duration.ofSeconds(30), "receipt mailed", () -> mailsTo("dan@example.vn").size() == 1);
    String code = SocialTraffic.codeOf(gw, "human-rcpt@example.vn");
    MimeMessage receipt = mailsTo("dan@example.vn").get(0);
    assertThat(GreenMailUtil.getBody(receipt).replace("=\r\n", "")).isNotEmpty();
    assertThat(receipt.getSubject()).contains(code);
    assertThat(receipt.getHeader("In-Reply-To")[0]).contains("human-rcpt@example.vn");
    assertThat(new String(receipt.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains(code);

    Eventually.until(Duration.ofSeconds(20), "auto mail skipped", () -> receipts("email", "skipped_auto") == 1);
    assertThat(mailsTo("noreply@example.vn")).isEmpty();
    assertThat(receipts("email", "queued")).isEqualTo(1);
  }

  static void deliver(String mime) throws Exception {
    inbox.deliver(new MimeMessage(SESSION, new ByteArrayInputStream(mime.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8))));
  }

  static List<MimeMessage> mailsTo(String address) {
    return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
      try {
        return m.getAllRecipients() != null
            && Arrays.stream(m.getAllRecipients()).anyMatch(a -> ((InternetAddress) a).getAddress().equalsIgnoreCase(address));
      } catch (Exception e) {
        return false;
      }
    }).toList();
  }
}
