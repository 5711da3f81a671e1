package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures;
import org.hotline1022.gateway.app.TestGateway;

/** Signed webhook deliveries and agent replies against a {@link TestGateway}, for the social-channel ITs. */
final class SocialTraffic {
  private SocialTraffic() {}

  /** Posts a signed Zalo event and returns the tracking code of the inquiry its message joined. */
  static String zalo(TestGateway gw, String body, String msgId) {
    int status = gw.http.post("/webhooks/zalo").putHeader("X-ZEvent-Signature", ZaloFixtures.mac(body))
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
    assertThat(status).as("zalo webhook").isEqualTo(200);
    return codeOf(gw, msgId);
  }

  static String zaloText(TestGateway gw, String user, String msgId, String text) {
    return zalo(gw, ZaloFixtures.text(user, msgId, System.currentTimeMillis(), text), msgId);
  }

  /** Posts one signed Messenger event (a {@code messaging} item) and returns its inquiry's tracking code. */
  static String facebook(TestGateway gw, JsonObject messagingItem, String mid) {
    return facebookBody(gw, FacebookFixtures.envelope(new JsonObject().put("id", FacebookFixtures.PAGE)
        .put("messaging", new JsonArray().add(messagingItem))), mid);
  }

  static String facebookBody(TestGateway gw, String envelope, String externalId) {
    byte[] body = envelope.getBytes(StandardCharsets.UTF_8);
    int status = gw.http.post("/webhooks/facebook")
        .putHeader("X-Hub-Signature-256", "sha256=" + Signatures.toHex(Signatures.hmacSha256(FacebookFixtures.SECRET, body)))
        .sendBuffer(Buffer.buffer(body)).await().statusCode();
    assertThat(status).as("facebook webhook").isEqualTo(200);
    return codeOf(gw, externalId);
  }

  static String codeOf(TestGateway gw, String externalId) {
    var rows = gw.sql().preparedQuery("select i.tracking_code from inquiry i join message m on m.inquiry_id = i.id where m.external_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(externalId)).await();
    assertThat(rows.size()).as("stored " + externalId).isEqualTo(1);
    return rows.iterator().next().getString(0);
  }

  /** An agent's reply over REST. */
  static void reply(TestGateway gw, String code, String text) {
    var r = gw.http.post("/api/v1/inquiries/" + code + "/reply").putHeader("Authorization", "Bearer " + gw.token("op-1", "operator", null))
        .sendJsonObject(new JsonObject().put("text", text)).await();
    assertThat(r.statusCode()).as("reply " + r.bodyAsString()).isEqualTo(200);
  }
}
