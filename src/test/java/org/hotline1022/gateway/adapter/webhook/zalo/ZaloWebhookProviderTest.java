package org.hotline1022.gateway.adapter.webhook.zalo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hotline1022.gateway.adapter.webhook.zalo.ZaloFixtures.*;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.hotline1022.gateway.adapter.webhook.Verification.Outcome;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.WebhookConfig;
import org.junit.jupiter.api.Test;

class ZaloWebhookProviderTest {
  static ZaloWebhookProvider provider(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_ZALO_OA_SECRET", SECRET));
    env.putAll(extra);
    return new ZaloWebhookProvider(WebhookConfig.fromYaml(ConfigFiles.read("gateway.yaml"), env));
  }

  static final ZaloWebhookProvider PROVIDER = provider(Map.of());

  static Outcome verify(ZaloWebhookProvider p, String body, String... headers) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    return p.verify(h, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))).outcome();
  }

  @Test
  void verifyShouldAcceptTheDocumentedTestVectorInEveryDocumentedForm() {
    assertThat(VECTOR_BODY.getBytes(StandardCharsets.UTF_8)).hasSize(302);
    assertThat(mac(VECTOR_BODY)).isEqualTo("mac=" + VECTOR_MAC);
    assertThat(verify(PROVIDER, VECTOR_BODY, "X-ZEvent-Signature", "mac=" + VECTOR_MAC)).isEqualTo(Outcome.VALID);
    assertThat(verify(PROVIDER, VECTOR_BODY, "x-zevent-signature", VECTOR_MAC)).isEqualTo(Outcome.VALID);
    assertThat(verify(PROVIDER, VECTOR_BODY, "X-ZEvent-Signature", "MAC=" + VECTOR_MAC.toUpperCase())).isEqualTo(Outcome.VALID);
    // a configured app id that matches the body changes nothing
    assertThat(verify(provider(Map.of("HOTLINE_ZALO_APP_ID", APP_ID)), VECTOR_BODY, "X-ZEvent-Signature", "mac=" + VECTOR_MAC))
        .isEqualTo(Outcome.VALID);
  }

  @Test
  void verifyShouldAcceptATimestampHeaderVariant() {
    String signedWithHeaderTs = mac(VECTOR_BODY, "1735689609999");
    assertThat(verify(PROVIDER, VECTOR_BODY, "X-ZEvent-Signature", signedWithHeaderTs, "X-ZEvent-Timestamp", "1735689609999"))
        .isEqualTo(Outcome.VALID);
    // the body timestamp still counts when a header is present
    assertThat(verify(PROVIDER, VECTOR_BODY, "X-ZEvent-Signature", "mac=" + VECTOR_MAC, "X-ZEvent-Timestamp", "1735689609999"))
        .isEqualTo(Outcome.VALID);
    assertThat(verify(PROVIDER, VECTOR_BODY, "X-ZEvent-Signature", signedWithHeaderTs)).isEqualTo(Outcome.INVALID);
  }

  @Test
  void verifyShouldRejectChangesWrongSecretsAndMissingSignatures() {
    byte[] changed = VECTOR_BODY.getBytes(StandardCharsets.UTF_8);
    changed[changed.length - 4] ^= 1;
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("X-ZEvent-Signature", "mac=" + VECTOR_MAC);
    assertThat(PROVIDER.verify(h, Buffer.buffer(changed)).outcome()).isEqualTo(Outcome.INVALID);
    assertThat(verify(provider(Map.of("HOTLINE_ZALO_OA_SECRET", "app-secret-by-mistake")), VECTOR_BODY, "X-ZEvent-Signature",
        "mac=" + VECTOR_MAC)).isEqualTo(Outcome.INVALID);
    assertThat(verify(provider(Map.of("HOTLINE_ZALO_APP_ID", "999")), VECTOR_BODY, "X-ZEvent-Signature", "mac=" + VECTOR_MAC))
        .isEqualTo(Outcome.INVALID);
    assertThat(verify(PROVIDER, VECTOR_BODY)).isEqualTo(Outcome.MISSING);
    assertThat(verify(PROVIDER, VECTOR_BODY, "X-ZEvent-Signature", "mac=")).isEqualTo(Outcome.INVALID);
    assertThat(verify(PROVIDER, "{not json", "X-ZEvent-Signature", "mac=" + VECTOR_MAC)).isEqualTo(Outcome.INVALID);
  }

  @Test
  void verifyShouldTreatOnlyAnEmptyUnsignedBodyAsTheRegistrationProbe() {
    assertThat(verify(PROVIDER, "{}")).isEqualTo(Outcome.PROBE);
    assertThat(verify(PROVIDER, " { } ".replace(" ", ""))).isEqualTo(Outcome.PROBE);
    assertThat(verify(PROVIDER, "")).isEqualTo(Outcome.PROBE);
    assertThat(verify(PROVIDER, "{\"a\":1}")).isEqualTo(Outcome.MISSING);
    assertThat(verify(PROVIDER, "{}", "X-ZEvent-Signature", "mac=" + VECTOR_MAC)).isEqualTo(Outcome.INVALID);
  }

  @Test
  void verifyShouldFlagMismatchesOnlyWhenTheDiagnosisFlagIsOn() {
    ZaloWebhookProvider diagnosing = provider(Map.of("HOTLINE_WEBHOOKS_ZALO_STORE_SIGNATURE_MISMATCH", "true"));
    assertThat(verify(diagnosing, VECTOR_BODY, "X-ZEvent-Signature", "mac=" + "0".repeat(64))).isEqualTo(Outcome.FLAGGED);
    assertThat(verify(diagnosing, VECTOR_BODY, "X-ZEvent-Signature", "mac=" + VECTOR_MAC)).isEqualTo(Outcome.VALID);
    assertThat(verify(diagnosing, VECTOR_BODY)).isEqualTo(Outcome.MISSING); // never unsigned traffic
  }
}
