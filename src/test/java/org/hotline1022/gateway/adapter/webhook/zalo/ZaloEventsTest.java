package org.hotline1022.gateway.adapter.webhook.zalo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures.*;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.hotline1022.gateway.adapter.webhook.Delivery;
import org.hotline1022.gateway.adapter.webhook.Hostile;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Inbound;
import org.junit.jupiter.api.Test;

class ZaloEventsTest {
  static Delivery parse(String body) {
    return ZaloEvents.parse(Buffer.buffer(body), Hostile.now());
  }

  @Test
  void parseShouldTurnATextEventIntoAnInboundKeyedByMsgId() {
    Inbound in = parse(VECTOR_BODY).inbounds().get(0);
    assertThat(in.channel()).isEqualTo(Channel.ZALO);
    assertThat(in.externalId()).isEqualTo("96d3cdf3af150460909a");
    assertThat(in.contact().address()).isEqualTo("2468458835296197922");
    assertThat(in.threadKey()).isEqualTo("2468458835296197922");
    assertThat(in.text()).isEqualTo("Đường ngập nước ở phường 5");
    assertThat(in.receivedAt()).isEqualTo(Instant.ofEpochMilli(1735689600000L));
    assertThat(in.raw()).isEqualTo(VECTOR_BODY);
    assertThat(in.facts()).containsEntry("oa_id", "3886132808788086451").containsEntry("user_id_by_app", "5521772797175877301");
  }

  @Test
  void parseShouldKeepImageFileStickerAndLocationMetadata() {
    Inbound image = parse(attachment("user_send_image", "u1", "i1", "image",
        new JsonObject().put("thumbnail", "https://t.example.zdn.vn/x.jpg").put("url", "https://f.example.zdn.vn/x.jpg"))).inbounds().get(0);
    assertThat(image.attachments()).containsExactly(new Attachment("image", "image", null, "https://f.example.zdn.vn/x.jpg"));
    Inbound file = parse(attachment("user_send_file", "u1", "f1", "file", new JsonObject().put("size", "233947")
        .put("name", "don-phan-anh.docx").put("checksum", "db8f").put("type", "docx").put("url", "https://f.example.zdn.vn/f")))
        .inbounds().get(0);
    assertThat(file.attachments()).containsExactly(new Attachment("don-phan-anh.docx", "docx", 233947L, "https://f.example.zdn.vn/f"));
    Inbound sticker = parse(attachment("user_send_sticker", "u1", "s1", "sticker", new JsonObject().put("id", "st9").put("url", "https://s")))
        .inbounds().get(0);
    assertThat(sticker.facts()).containsEntry("sticker_id", "st9");
    Inbound loc = parse(attachment("user_send_location", "u1", "l1", "location", new JsonObject().put("coordinates",
        new JsonObject().put("latitude", "10.7642473").put("longitude", "106.6564314")))).inbounds().get(0);
    assertThat(loc.attachments()).containsExactly(new Attachment("location", "location", null, "geo:10.7642473,106.6564314"));
    assertThat(loc.facts()).containsEntry("latitude", "10.7642473");
  }

  @Test
  void parseShouldCountFollowsEchoesReceiptsAndUnknownEventsWithoutInbounds() {
    String follow = "{\"oa_id\":\"3886132808788086451\",\"follower\":{\"id\":\"2468458835296197922\"},\"user_id_by_app\":\"55\","
        + "\"event_name\":\"follow\",\"source\":\"oa_profile\",\"app_id\":\"1234567890123456789\",\"timestamp\":\"1735689604000\"}";
    assertThat(parse(follow).ignored()).containsExactly("follow");
    assertThat(parse(follow.replace("\"follow\"", "\"unfollow\"")).ignored()).containsExactly("unfollow");
    assertThat(parse(text("oa", "e1", 1L, "x").replace("user_send_text", "oa_send_text")).ignored()).containsExactly("echo");
    assertThat(parse(event("user_seen_message", "oa", "r", 1L, new JsonObject())).ignored()).containsExactly("read");
    assertThat(parse(event("user_received_message", "oa", "r", 1L, new JsonObject())).ignored()).containsExactly("delivery");
    assertThat(parse(event("user_reacted_message", "u", "r", 1L, new JsonObject())).ignored()).containsExactly("unknown");
    assertThat(parse(event("user_send_text", "u", null, 1L, new JsonObject())).ignored()).containsExactly("unknown");
    assertThat(parse("{}").ignored()).containsExactly("unknown");
    assertThatThrownBy(() -> parse("[1]")).isInstanceOf(MalformedPayload.class);
  }

  @Test
  void parseShouldNeverThrowAnythingButATypedRejectionOnHostileInput() {
    String file = attachment("user_send_file", "u1", "f1", "file", new JsonObject().put("size", "12x").put("name", "a").put("url", "u"));
    int parsed = Hostile.assertOnlyTypedRejections(Hostile.variantsOf(VECTOR_BODY, 1022L), b -> ZaloEvents.parse(b, Hostile.now()));
    parsed += Hostile.assertOnlyTypedRejections(Hostile.variantsOf(file, 5L), b -> ZaloEvents.parse(b, Hostile.now()));
    assertThat(parsed).isPositive();
  }
}
