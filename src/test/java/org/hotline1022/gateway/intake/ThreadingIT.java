package org.hotline1022.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.Inbound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat channels thread by contact within their window; replays are absorbed; a closed inquiry is not reopened. */
class ThreadingIT {
  @TempDir
  static Path dataDir;
  static TestGateway gw;
  static Intake intake;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dataDir, Map.of("HOTLINE_THREADING_WINDOW_MINUTES_ZALO", "60"));
    intake = gw.intake();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static Inbound zalo(String msgId, String user, String text, Instant at) {
    return new Inbound(Channel.ZALO, msgId, at, Contact.of(user, "Người dùng " + user), null, false, null, null, text, null,
        "{\"event_name\":\"user_send_text\"}", Map.of());
  }

  @Test
  void messagesOfOneContactWithinTheWindowJoinOneInquiry() {
    Instant t0 = Instant.now();
    IngestResult first = intake.submit(zalo("m-1", "zu-1", "Cho em hỏi lịch tiêm vắc xin", t0)).await();
    IngestResult second = intake.submit(zalo("m-2", "zu-1", "ở phường Ba Đình ạ", t0.plusSeconds(30))).await();
    IngestResult other = intake.submit(zalo("m-3", "zu-2", "Khu phố em có ca F0", t0.plusSeconds(31))).await();
    IngestResult late = intake.submit(zalo("m-4", "zu-1", "hỏi chuyện khác", t0.plusSeconds(2 * 3600))).await();

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.trackingCode()).isEqualTo(first.trackingCode());
    assertThat(other.trackingCode()).isNotEqualTo(first.trackingCode());
    assertThat(late.created()).isTrue();
    assertThat(gw.count("select message_count from inquiry where tracking_code = '" + first.trackingCode() + "'")).isEqualTo(2);
    assertThat(gw.count("select count(*) from event e join inquiry i on i.id = e.inquiry_id where i.tracking_code = '"
        + first.trackingCode() + "' and e.type = 'message.created'")).isEqualTo(1);
  }

  @Test
  void aReplayIsAbsorbedEvenInsideOneBatch() {
    Instant t0 = Instant.now();
    List<Future<IngestResult>> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sent.add(intake.submit(zalo("dup-1", "zu-9", "tin nhắn gửi lại", t0)));
    }
    Future.all(sent).await();
    assertThat(sent).filteredOn(f -> !f.result().duplicate()).hasSize(1);
    assertThat(sent.stream().map(f -> f.result().trackingCode()).distinct()).hasSize(1);
    assertThat(gw.count("select count(*) from message where external_id = 'dup-1'")).isEqualTo(1);
  }

  @Test
  void aClosedInquiryIsNotReopenedByANewMessage() {
    Instant t0 = Instant.now();
    IngestResult first = intake.submit(zalo("c-1", "zu-5", "Xin hỏi về trợ cấp", t0)).await();
    gw.sql().query("update inquiry set status = 'closed' where tracking_code = '" + first.trackingCode() + "'").execute().await();
    IngestResult next = intake.submit(zalo("c-2", "zu-5", "Cảm ơn ạ, cho hỏi thêm", t0.plusSeconds(60))).await();
    assertThat(next.created()).isTrue();
    assertThat(next.trackingCode()).isNotEqualTo(first.trackingCode());
  }

  @Test
  void webAndChatItemsInOneBatchAreAllStoredInOrder() {
    List<Future<IngestResult>> sent = new ArrayList<>();
    Instant t0 = Instant.now();
    for (int i = 0; i < 60; i++) {
      sent.add(i % 2 == 0
          ? intake.submit(zalo("mix-" + i, "zmix-" + (i % 6), "tin " + i, t0.plusMillis(i)))
          : intake.submit(new Inbound(Channel.WEB, "mixweb-" + i, t0, Contact.of("anon:mixweb-" + i, null), null, true, null, null,
              "biểu mẫu " + i, null, null, Map.of())));
    }
    Future.all(sent).await();
    assertThat(gw.count("select count(*) from message where external_id like 'mix%'")).isEqualTo(60);
    assertThat(gw.count("select count(distinct inquiry_id) from message where external_id like 'mix-%'")).isEqualTo(3); // even i: 3 contacts
    assertThat(gw.count("select count(*) from inquiry i join message m on m.inquiry_id = i.id where m.external_id like 'mixweb-%'"))
        .isEqualTo(30);
  }
}
