package org.hotline1022.gateway.adapter.webhook.facebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures.*;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.hotline1022.gateway.adapter.webhook.Delivery;
import org.hotline1022.gateway.adapter.webhook.Hostile;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.inquiry.Attachment;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Inbound;
import org.junit.jupiter.api.Test;

class FacebookPayloadsTest {
  static Delivery parse(String body) {
    return FacebookPayloads.parse(Buffer.buffer(body), Hostile.now());
  }

  @Test
  void parseShouldDecodeEscapedVietnameseText() {
    Inbound in = parse(VECTOR_BODY).inbounds().get(0);
    assertThat(in.channel()).isEqualTo(Channel.FACEBOOK);
    assertThat(in.externalId()).isEqualTo("m_test_0001");
    assertThat(in.text()).isEqualTo("Xin chào, đường bị ngập");
    assertThat(in.contact().address()).isEqualTo("2222222222222222");
    assertThat(in.threadKey()).isEqualTo("2222222222222222");
    assertThat(in.receivedAt()).isEqualTo(Instant.ofEpochMilli(1735689600000L));
    assertThat(in.facts()).containsEntry("page_id", PAGE).containsEntry("kind", "message");
  }

  @Test
  void parseShouldReturnEveryMessageOfEveryEntryInOrder() {
    Delivery d = parse(batch("b", 3, 2, 1735689600000L));
    assertThat(d.inbounds()).extracting(Inbound::externalId).containsExactly("b-0-0", "b-0-1", "b-1-0", "b-1-1", "b-2-0", "b-2-1");
    assertThat(d.inbounds().get(5).text()).isEqualTo("Đường ngập ở phường 2 tin 1");
    assertThat(d.ignored()).isEmpty();
  }

  @Test
  void parseShouldKeepAttachmentsAndPostbacksAndDropEchoesAndReceipts() {
    JsonObject image = new JsonObject("{\"sender\":{\"id\":\"2222222222222222\"},\"recipient\":{\"id\":\"111111111111111\"},"
        + "\"timestamp\":1735689700000,\"message\":{\"mid\":\"m_test_0002\",\"attachments\":[{\"type\":\"image\","
        + "\"payload\":{\"url\":\"https://scontent.example/photo.jpg\"}}]}}");
    JsonObject postback = new JsonObject().put("sender", new JsonObject().put("id", "2222222222222222")).put("timestamp", 1735689701000L)
        .put("postback", new JsonObject().put("title", "Hỏi về tiêm chủng").put("payload", "TOPIC_VACCINE").put("mid", "m_pb_1"));
    JsonObject oldPostback = postback.copy();
    oldPostback.getJsonObject("postback").remove("mid");
    JsonObject echo = text(PAGE, "m_echo", 1735689702000L, "Cảm ơn").copy();
    echo.getJsonObject("message").put("is_echo", true).put("app_id", 123);
    JsonObject delivery = new JsonObject().put("sender", new JsonObject().put("id", "2222222222222222"))
        .put("delivery", new JsonObject().put("mids", new JsonArray().add("m_x")).put("watermark", 1735689702000L));
    JsonObject read = new JsonObject().put("sender", new JsonObject().put("id", "2222222222222222"))
        .put("read", new JsonObject().put("watermark", 1735689702000L));
    JsonObject reaction = new JsonObject().put("sender", new JsonObject().put("id", "2222222222222222"))
        .put("reaction", new JsonObject().put("mid", "m_x").put("action", "react"));
    String body = envelope(new JsonObject().put("id", PAGE).put("time", 1735689700123L)
        .put("messaging", new JsonArray().add(image).add(postback).add(oldPostback).add(echo).add(delivery).add(read).add(reaction).add(7)));

    Delivery d = parse(body);
    assertThat(d.inbounds()).extracting(Inbound::externalId)
        .containsExactly("m_test_0002", "m_pb_1", "postback:2222222222222222:1735689701000");
    assertThat(d.inbounds().get(0).attachments()).containsExactly(new Attachment("image", "image", null, "https://scontent.example/photo.jpg"));
    assertThat(d.inbounds().get(1).text()).isEqualTo("Hỏi về tiêm chủng");
    assertThat(d.inbounds().get(1).facts()).containsEntry("postback_payload", "TOPIC_VACCINE").containsEntry("kind", "postback");
    assertThat(d.ignored()).containsExactly("echo", "delivery", "read", "unknown", "unknown");
  }

  @Test
  void parseShouldTurnANewFeedCommentIntoAMessageFromTheCommenter() {
    Inbound in = parse(comment("3333333333333333", "Trần Thị B", "444444444444444_555555555555555", "add")).inbounds().get(0);
    assertThat(in.externalId()).isEqualTo("444444444444444_555555555555555");
    assertThat(in.contact().address()).isEqualTo("3333333333333333");
    assertThat(in.contact().displayName()).isEqualTo("Trần Thị B");
    assertThat(in.text()).isEqualTo("Đèn đường ở tổ 3 bị hỏng 1 tuần rồi");
    assertThat(in.receivedAt()).isEqualTo(Instant.ofEpochSecond(1735689799L));
    assertThat(in.facts()).containsEntry("kind", "comment").containsEntry("post_id", PAGE + "_444444444444444");

    assertThat(parse(comment(PAGE, "Trang 1022", "444_556", "add")).ignored()).containsExactly("echo");
    assertThat(parse(comment("3333333333333333", "B", "444_557", "edited")).inbounds()).isEmpty();
    String like = envelope(new JsonObject().put("id", PAGE).put("changes", new JsonArray()
        .add(new JsonObject().put("field", "feed").put("value", new JsonObject().put("item", "reaction").put("verb", "add")))
        .add(new JsonObject().put("field", "mention").put("value", new JsonObject()))));
    assertThat(parse(like).ignored()).containsExactly("unknown", "unknown");
  }

  @Test
  void parseShouldIgnoreOtherObjectsAndRejectWhatIsNotTheEnvelope() {
    assertThat(parse("{\"object\":\"instagram\",\"entry\":[]}").ignored()).containsExactly("unknown");
    assertThat(parse("{\"object\":\"page\",\"entry\":[]}").inbounds()).isEmpty();
    for (String bad : new String[] {"", "{", "[]", "{\"object\":\"page\"}", "{\"object\":\"page\",\"entry\":{}}", "nul"}) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(MalformedPayload.class);
    }
  }

  @Test
  void parseShouldNeverThrowAnythingButATypedRejectionOnHostileInput() {
    String valid = batch("h", 2, 2, 1735689600000L).replace("}]}]}", "}]},{\"id\":\"1\",\"changes\":[{\"field\":\"feed\"}]}]}");
    int parsed = Hostile.assertOnlyTypedRejections(Hostile.variantsOf(valid, 1022L), b -> FacebookPayloads.parse(b, Hostile.now()));
    assertThat(parsed).isPositive();
    parsed += Hostile.assertOnlyTypedRejections(Hostile.variantsOf(comment("3", "x", "4_5", "add"), 7L),
        b -> FacebookPayloads.parse(b, Hostile.now()));
  }
}
