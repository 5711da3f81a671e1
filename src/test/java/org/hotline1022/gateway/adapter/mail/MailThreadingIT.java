package org.hotline1022.gateway.adapter.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threading by any parent id (ours included), by the tracking code when the headers were stripped,
 * and Message-ID reuse: the whole gateway against GreenMail IMAP (the hotline's mailbox) and SMTP
 * (where our answers go, delivered into the citizen's GreenMail mailbox).
 */
class MailThreadingIT {
  private static final Session SESSION = Session.getInstance(new Properties());
  GreenMail mail;
  GreenMailUser hotline;
  TestGateway gw;

  @BeforeEach
  void start(@TempDir Path dataDir) {
    int imap = Ports.free();
    int smtp = Ports.free();
    mail = new GreenMail(new ServerSetup[] {new ServerSetup(imap, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
        new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)});
    mail.start();
    hotline = mail.setUser("hotline@tinh.gov.vn", "hotline", "secret");
    mail.setUser("an@example.vn", "an", "secret");
    gw = TestGateway.start(dataDir, Map.of("HOTLINE_IMAP_URL", "imap://hotline:secret@127.0.0.1:" + imap + "/INBOX",
        "HOTLINE_SMTP_URL", "smtp://127.0.0.1:" + smtp, "HOTLINE_MAIL_FROM_ADDRESS", "hotline@tinh.gov.vn",
        "HOTLINE_MAIL_RECONNECT_BASE_MS", "100", "HOTLINE_MAIL_IDLE_RENEW_SECONDS", "2", "HOTLINE_REPLY_POLL_INTERVAL_MS", "200"));
  }

  @AfterEach
  void stop() {
    try {
      if (gw != null) {
        gw.close();
      }
    } finally {
      mail.stop();
    }
  }

  private void deliver(String mime) throws Exception {
    hotline.deliver(new MimeMessage(SESSION, new ByteArrayInputStream(mime.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8))));
  }

  private long emails() {
    return gw.count("select count(*) from message where channel = 'email' and direction = 'in'");
  }

  private Row message(String externalId) {
    var rows = gw.sql().preparedQuery("""
            select m.inquiry_id, i.tracking_code, m.facts->>'threadedBy', m.facts->>'threadContactMismatch', m.facts->>'messageIdReused', m.body
            from message m join inquiry i on i.id = m.inquiry_id where m.channel = 'email' and m.external_id = $1""")
        .execute(Tuple.of(externalId)).await();
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private Row waitFor(String externalId) throws Exception {
    Eventually.until(Duration.ofSeconds(20), externalId + " stored", () -> message(externalId) != null);
    return message(externalId);
  }

  @Test
  void theCitizensAnswerToOurSmtpReplyShouldJoinTheInquiryByInReplyToAlone() throws Exception {
    deliver("From: An <an@example.vn>\nTo: hotline@tinh.gov.vn\nSubject: Đèn đường hỏng\nMessage-ID: <first@example.vn>\n\nĐèn đường ngõ 5 hỏng.\n");
    Row first = waitFor("first@example.vn");
    String code = first.getString(1);

    var r = gw.http.post("/api/v1/inquiries/" + code + "/reply").putHeader("Authorization", "Bearer " + gw.token("op-1", "operator", null))
        .sendJsonObject(new JsonObject().put("text", "Đã chuyển cho điện lực.")).await();
    assertThat(r.statusCode()).isEqualTo(200);
    Eventually.until(Duration.ofSeconds(20), "our answer delivered", () -> mail.getReceivedMessagesForDomain("example.vn").length == 1);
    MimeMessage ours = mail.getReceivedMessagesForDomain("example.vn")[0];
    String ourId = ours.getHeader("Message-ID", null);
    assertThat(ourId).startsWith("<1022.").endsWith("@tinh.gov.vn>");
    assertThat(ours.getSubject()).contains("[" + code + "]");
    // recorded for the thread lookup, the same id the citizen got
    assertThat(gw.count("select count(*) from mail_outbound_id where '<' || mail_id || '>' = '" + ourId.replace("'", "") + "'")).isEqualTo(1);

    // a client that names only our reply (no References, subject changed): it still joins
    deliver("From: An <an@example.vn>\nSubject: cảm ơn\nMessage-ID: <answer@example.vn>\nIn-Reply-To: " + ourId + "\n\nCảm ơn, vẫn chưa sửa.\n");
    Row answer = waitFor("answer@example.vn");
    assertThat(answer.getLong(0)).isEqualTo(first.getLong(0));
    assertThat(answer.getString(2)).isEqualTo("references");
    assertThat(answer.getString(3)).isNull();
    assertThat(gw.count("select count(*) from inquiry where channel = 'email'")).isEqualTo(1);
    // it reopened the answered inquiry with the new message's deadline (V10), and agents were told
    assertThat(gw.count("select count(*) from event where type = 'inquiry.updated' and inquiry_id = " + first.getLong(0)
        + " and payload->'change'->>'op' = 'reopen' and payload->'change'->'from'->>'status' = 'answered'"
        + " and payload->'change'->'to'->>'status' = 'assigned'"
        + " and (payload->'change'->'to'->>'dueAt')::timestamptz = (select due_at from inquiry where id = " + first.getLong(0) + ")"))
        .isEqualTo(1);
  }

  @Test
  void strippedHeadersWithTheCodeInTheSubjectShouldJoinAndAForeignSenderShouldBeFlagged() throws Exception {
    deliver("From: an@example.vn\nSubject: Nước sinh hoạt bị đục\nMessage-ID: <water@example.vn>\n\nNước đục 3 ngày.\n");
    Row water = waitFor("water@example.vn");
    String code = water.getString(1);
    String typed = code.toLowerCase(java.util.Locale.ROOT).replace("-", " "); // "1022 abcd efgh"

    // the same citizen, headers stripped by a webmail, code retyped in lower case with spaces
    deliver("From: an@example.vn\nSubject: Re: Nuoc duc (ma so " + typed + ")\nMessage-ID: <again@example.vn>\n\nVẫn đục.\n");
    // the citizen's second address, code in brackets
    deliver("From: an.nguyen@work.vn\nSubject: Bổ sung [" + code + "]\nMessage-ID: <second@work.vn>\n\nẢnh kèm theo.\n");
    // an unrelated mail, and one naming a code that does not exist
    deliver("From: binh@example.vn\nSubject: Hỏi lịch tiêm\nMessage-ID: <other@example.vn>\n\nLịch tiêm?\n");
    deliver("From: binh@example.vn\nSubject: [1022-ZZZZ-ZZZZ]\nMessage-ID: <guess@example.vn>\n\nThử.\n");

    Row again = waitFor("again@example.vn");
    Row second = waitFor("second@work.vn");
    Row other = waitFor("other@example.vn");
    Row guess = waitFor("guess@example.vn");
    assertThat(again.getLong(0)).isEqualTo(water.getLong(0));
    assertThat(again.getString(2)).isEqualTo("subject-code");
    assertThat(again.getString(3)).isNull();
    assertThat(second.getLong(0)).isEqualTo(water.getLong(0));
    assertThat(second.getString(3)).as("joined another contact's inquiry: flagged").isEqualTo("true");
    assertThat(other.getLong(0)).isNotEqualTo(water.getLong(0));
    assertThat(guess.getLong(0)).isNotIn(water.getLong(0), other.getLong(0));
    // agents see the flag live, on the message.created event
    assertThat(gw.count("""
        select count(*) from event where type = 'message.created' and (payload->'message'->>'threadContactMismatch')::boolean
        and payload->'message'->>'externalId' = 'second@work.vn'""")).isEqualTo(1);
  }

  @Test
  void aDifferentMessageReusingAMessageIdShouldBeKeptApartAndTheSameMessageAgainIgnored() throws Exception {
    String original = "From: an@example.vn\nSubject: Rác thải\nDate: Mon, 30 Nov 2026 08:00:00 +0700\nMessage-ID: <dup@example.vn>\n\nRác chưa thu gom.\n";
    deliver(original);
    Row first = waitFor("dup@example.vn");
    deliver(original.replace("Rác chưa thu gom.", "Nội dung hoàn toàn khác."));
    deliver(original); // a second copy of the same message (a re-delivery): nothing new
    deliver("From: c@example.vn\nSubject: mốc\nMessage-ID: <marker@example.vn>\n\nmốc\n");
    waitFor("marker@example.vn");
    Eventually.until(Duration.ofSeconds(10), "four read", () -> gw.registry.find("hotline.mail.messages.fetched").counters().stream()
        .mapToDouble(c -> c.count()).sum() == 4);

    var rows = gw.sql().query("select external_id, facts->>'messageIdReused', body from message where channel = 'email' and external_id like 'dup@%'"
        + " order by id").execute().await();
    assertThat(rows.size()).isEqualTo(2);
    var it = rows.iterator();
    Row kept = it.next();
    Row reused = it.next();
    assertThat(kept.getString(2)).isEqualTo("Rác chưa thu gom.");
    assertThat(reused.getString(0)).startsWith("dup@example.vn#");
    assertThat(reused.getString(1)).isEqualTo("dup@example.vn");
    assertThat(reused.getString(2)).isEqualTo("Nội dung hoàn toàn khác.");
    assertThat(emails()).isEqualTo(3);
    assertThat(first.getString(4)).isNull();
  }
}
