package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.intake.CallSubmission;
import org.junit.jupiter.api.Test;

class CallSignalEncoderTest {
  private static CallSubmission submission(CallSignal s, String caller) {
    return new CallSubmission(s, caller, "other", "normal", "VPUBND", Instant.parse("2026-11-30T10:00:00Z"));
  }

  @Test
  void itemsCarryTheStoredVocabularyAndNothingPostgresWouldRefuse() {
    CallSignal ended = new CallSignal("a\u0000b@pbx", CallSignal.Step.ENDED, Instant.parse("2026-11-29T10:00:00Z"), "0912345678",
        "Nguy\u0000ễn \uD800A", "1022", CallCause.NO_ANSWER, CallSignal.Source.OVERFLOW, null, Map.of("flagged", "TRUE", "sipCode", "480"));
    CallSignal offered = new CallSignal("c-2", CallSignal.Step.OFFERED, Instant.parse("2026-11-29T10:00:01Z"), null, null, null, null,
        CallSignal.Source.HEP, "201", Map.of());

    JsonArray items = CallSignalEncoder.encode(List.of(submission(ended, "+84912345678"), submission(offered, null)));

    JsonObject first = items.getJsonObject(0);
    assertThat(first.getInteger("idx")).isZero();
    assertThat(first.getString("call_id")).isEqualTo("ab@pbx");
    assertThat(first.getString("step")).isEqualTo("ended");
    assertThat(first.getString("cause")).isEqualTo("noAnswer");
    assertThat(first.getString("source")).isEqualTo("overflow");
    assertThat(first.getString("caller")).isEqualTo("+84912345678");
    assertThat(first.getString("caller_name")).isEqualTo("Nguyễn \uFFFDA");
    assertThat(first.getBoolean("flagged")).isTrue();
    assertThat(first.getJsonObject("facts").getString("sipCode")).isEqualTo("480");
    assertThat(first.getString("tracking_code")).matches("1022-[0-9A-Z]{4}-[0-9A-Z]{4}");
    assertThat(first.getString("due_at")).isEqualTo("2026-11-30T10:00:00Z");

    JsonObject second = items.getJsonObject(1);
    assertThat(second.getInteger("idx")).isEqualTo(1);
    assertThat(second.getValue("cause")).isNull();
    assertThat(second.getValue("caller")).isNull();
    assertThat(second.getBoolean("flagged")).isFalse();
    assertThat(second.containsKey("facts")).isFalse();
    assertThat(second.getString("agent")).isEqualTo("201");
  }
}
