package org.hotline1022.gateway.store;

import java.time.Instant;
import java.util.Map;
import org.hotline1022.gateway.inquiry.CallCause;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.CallSignal.Source;
import org.hotline1022.gateway.inquiry.CallSignal.Step;

/** Call signals as the phone inputs send them, for tests. */
public final class Calls {
  private Calls() {}

  public static CallSignal offered(String callId, Instant at, String caller, Source source) {
    return new CallSignal(callId, Step.OFFERED, at, caller, "Nguyễn Văn A", "1022", null, source, null, Map.of());
  }

  public static CallSignal ringing(String callId, Instant at, String caller, Source source) {
    return new CallSignal(callId, Step.RINGING, at, caller, null, "1022", null, source, null, Map.of());
  }

  public static CallSignal answered(String callId, Instant at, String caller, String agent, Source source) {
    return new CallSignal(callId, Step.ANSWERED, at, caller, null, "1022", null, source, agent, Map.of());
  }

  public static CallSignal ended(String callId, Instant at, String caller, CallCause cause, Source source) {
    return new CallSignal(callId, Step.ENDED, at, caller, null, "1022", cause, source, null, Map.of("sipCode", "487"));
  }
}
