package org.hotline1022.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Source;
import org.hotline1022.gateway.intake.BatchedCallIntake;
import org.hotline1022.gateway.intake.CallResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 2,000 call signals at once (500 calls, 4 steps each): every one stored, in few transactions. */
class CallBurstIT {
  @TempDir
  Path dataDir;

  @Test
  void aBurstOf2000SignalsIsStoredInFewTransactions() {
    try (TestGateway gw = TestGateway.start(dataDir, Map.of())) {
      BatchedCallIntake calls = gw.gateway.callIntake();
      Instant t0 = Instant.now();
      List<CallSignal> signals = new ArrayList<>();
      for (int c = 0; c < 500; c++) {
        String id = "burst-" + c + "@pbx";
        String caller = String.format("0912%06d", c);
        Instant at = t0.plusMillis(c);
        signals.add(Calls.offered(id, at, caller, Source.HEP));
        signals.add(Calls.ringing(id, at.plusMillis(100), caller, Source.HEP));
        if (c % 2 == 0) {
          signals.add(Calls.answered(id, at.plusSeconds(3), caller, "20" + (c % 10), Source.HEP));
          signals.add(Calls.ended(id, at.plusSeconds(60), caller, CallCause.NORMAL_CLEARING, Source.HEP));
        } else {
          signals.add(Calls.ended(id, at.plusSeconds(5), caller, CallCause.CANCEL, Source.HEP));
          signals.add(Calls.ended(id, at.plusSeconds(5), caller, CallCause.CANCEL, Source.DIALOG)); // a second input's copy
        }
      }
      long start = System.nanoTime();
      List<Future<CallResult>> sent = new ArrayList<>();
      for (CallSignal s : signals) {
        sent.add(calls.submit(s));
      }
      Future.all(sent).await();
      long millis = (System.nanoTime() - start) / 1_000_000;

      DistributionSummary batches = gw.registry.get("hotline.call.writer.batch.size").summary();
      System.out.printf("call burst: %d signals in %d ms, %d transactions (largest %.0f)%n", signals.size(), millis, batches.count(),
          batches.max());
      assertThat(sent).allMatch(Future::succeeded);
      assertThat(sent.stream().filter(f -> f.result().outcome() == CallResult.Outcome.DUPLICATE)).hasSize(250);
      assertThat((long) batches.totalAmount()).isEqualTo(2000);
      assertThat(batches.count()).as("transactions").isLessThan(100);
      assertThat(gw.count("select count(*) from phone_call where call_id like 'burst-%' and state = 'ended'")).isEqualTo(500);
      assertThat(gw.count("select count(*) from event where type = 'call.ended' and payload->>'callId' like 'burst-%'")).isEqualTo(500);
      assertThat(gw.count("select count(*) from inquiry where channel = 'phone' and status = 'callback'")).isEqualTo(250);
      assertThat(gw.count("select count(*) from inquiry where channel = 'phone' and status = 'new'")).isEqualTo(250);
      assertThat(gw.count("select count(*) from phone_call where call_id like 'burst-%' and talk_ms = 57000")).isEqualTo(250);
      assertThat(gw.registry.get("hotline.calls").tag("source", "hep").tag("cause", "cancel").counter().count()).isEqualTo(250);
    }
  }
}
