package org.hotline1022.gateway.adapter.webhook.facebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hotline1022.gateway.adapter.webhook.facebook.FacebookFixtures.*;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.Signatures;
import org.hotline1022.gateway.adapter.webhook.Verification.Outcome;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.WebhookConfig;
import org.junit.jupiter.api.Test;

class FacebookWebhookProviderTest {
  static final FacebookWebhookProvider PROVIDER = new FacebookWebhookProvider(WebhookConfig.fromYaml(ConfigFiles.read("gateway.yaml"),
      Map.of("HOTLINE_FACEBOOK_APP_SECRET", SECRET, "HOTLINE_FACEBOOK_VERIFY_TOKEN", "verify-me")));

  static MultiMap signed(String value) {
    return MultiMap.caseInsensitiveMultiMap().add("x-hub-signature-256", value);
  }

  @Test
  void verifyShouldAcceptTheDocumentedTestVector() {
    assertThat(PROVIDER.verify(signed(VECTOR_SIGNATURE), Buffer.buffer(VECTOR_BODY)).outcome()).isEqualTo(Outcome.VALID);
    assertThat(PROVIDER.verify(signed(VECTOR_SIGNATURE.toUpperCase().replace("SHA256=", "sha256=")), Buffer.buffer(VECTOR_BODY))
        .outcome()).isEqualTo(Outcome.VALID);
  }

  @Test
  void verifyShouldRejectTheBodyReserialisedAsUtf8() {
    String decoded = new JsonObject(VECTOR_BODY).encode();
    assertThat(decoded).contains("Xin chào, đường bị ngập");
    String sig = "sha256=" + Signatures.toHex(Signatures.hmacSha256(SECRET, decoded.getBytes(StandardCharsets.UTF_8)));
    assertThat(sig).startsWith("sha256=829e9766").endsWith("bdda33");
    assertThat(PROVIDER.verify(signed(sig), Buffer.buffer(VECTOR_BODY)).outcome()).isEqualTo(Outcome.INVALID);
  }

  @Test
  void verifyShouldRejectAOneByteChangeAMissingOrMalformedHeader() {
    byte[] body = VECTOR_BODY.getBytes(StandardCharsets.US_ASCII);
    body[body.length - 5] ^= 1;
    assertThat(PROVIDER.verify(signed(VECTOR_SIGNATURE), Buffer.buffer(body)).outcome()).isEqualTo(Outcome.INVALID);
    assertThat(PROVIDER.verify(MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(VECTOR_BODY)).outcome()).isEqualTo(Outcome.MISSING);
    MultiMap sha1Only = MultiMap.caseInsensitiveMultiMap().add("X-Hub-Signature", "sha1=abc");
    assertThat(PROVIDER.verify(sha1Only, Buffer.buffer(VECTOR_BODY)).outcome()).isEqualTo(Outcome.MISSING);
    for (String bad : new String[] {"62aac234e01a2a499b2e189fdb5b3f50fb4fd337147bd6f4fea8a16d56391c72", "sha256=", "sha256=zz",
        "sha1=62aac234e01a2a499b2e189fdb5b3f50fb4fd337147bd6f4fea8a16d56391c72", VECTOR_SIGNATURE + "00"}) {
      assertThat(PROVIDER.verify(signed(bad), Buffer.buffer(VECTOR_BODY)).outcome()).as(bad).isEqualTo(Outcome.INVALID);
    }
  }

  @Test
  void handshakeShouldEchoTheChallengeOnlyForTheRightToken() {
    MultiMap q = MultiMap.caseInsensitiveMultiMap().add("hub.mode", "subscribe").add("hub.challenge", "1158201444");
    assertThat(PROVIDER.handshake(MultiMap.caseInsensitiveMultiMap().addAll(q).add("hub.verify_token", "verify-me")))
        .isEqualTo(new FacebookWebhookProvider.Handshake(200, "1158201444"));
    assertThat(PROVIDER.handshake(MultiMap.caseInsensitiveMultiMap().addAll(q).add("hub.verify_token", "verify-mf")).status())
        .isEqualTo(403);
    assertThat(PROVIDER.handshake(q).status()).isEqualTo(403);
  }
}
