package org.hotline1022.gateway.intake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hotline1022.gateway.config.CallsConfig;
import org.hotline1022.gateway.inquiry.CallSignal;
import org.hotline1022.gateway.inquiry.ContactNormalizer;
import org.hotline1022.gateway.inquiry.Priority;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.inquiry.Topic;

/**
 * The production {@link CallIntake}: bounds and normalizes a signal, attaches the routing of the
 * inquiry the call may open, and hands it to the store's call writer (group commit, one
 * {@code hotline_call_signals} call per batch). Answers after commit. Immutable apart from the
 * event bus, so one instance serves every event loop.
 */
public final class BatchedCallIntake implements CallIntake {
  /** SIP Call-IDs are short; a longer one is hostile or broken, not a call. */
  static final int MAX_CALL_ID = 256;
  private static final int MAX_NAME = 128;
  private static final int MAX_PARTY = 64;
  private static final int MAX_FACTS = 16;
  private static final int MAX_FACT_CHARS = 128;

  private final Vertx vertx;
  private final Routing routing;
  private final Topic topic;
  private final Priority priority;
  private final String department;
  private final CallMetrics metrics;
  private final DeliveryOptions delivery;

  /** @throws IllegalArgumentException when the configured topic, priority or department is unknown */
  public BatchedCallIntake(Vertx vertx, CallsConfig config, Routing routing, CallMetrics metrics) {
    this.vertx = vertx;
    this.routing = routing;
    this.metrics = metrics;
    this.topic = Topic.of(config.topic());
    this.priority = Priority.of(config.priority());
    this.department = config.department().isBlank() ? routing.department(topic, null) : config.department();
    if (!routing.isDepartment(department)) {
      throw new IllegalArgumentException("config phone.calls.department: unknown department " + department);
    }
    this.delivery = new DeliveryOptions().setLocalOnly(true).setSendTimeout(config.ackTimeoutMs())
        .setCodecName(new LocalCodec<>(CallSubmission.class).name());
  }

  /** Registers the in-process codecs once per Vert.x instance. */
  public static void registerCodecs(Vertx vertx) {
    vertx.eventBus().registerCodec(new LocalCodec<>(CallSubmission.class));
    vertx.eventBus().registerDefaultCodec(CallResult.class, new LocalCodec<>(CallResult.class));
  }

  @Override
  public Future<Void> signal(CallSignal signal) {
    return submit(signal).mapEmpty();
  }

  /** As {@link #signal}, with what the store made of it (tests and tools). */
  public Future<CallResult> submit(CallSignal signal) {
    CallSubmission submission;
    try {
      submission = bounded(signal);
    } catch (IntakeException e) {
      metrics.signal(signal.source(), signal.step(), e.reason().tag());
      return Future.failedFuture(e);
    }
    return vertx.eventBus().<CallResult>request(CallSubmission.ADDRESS, submission, delivery)
        .map(reply -> {
          CallResult result = reply.body();
          metrics.signal(signal.source(), signal.step(), result.outcome().tag());
          if (signal.step() == CallSignal.Step.ENDED && result.outcome() == CallResult.Outcome.STORED) {
            metrics.ended(signal.source(), signal.cause());
          }
          return result;
        })
        .recover(failure -> {
          IntakeException e = Intake.toIntakeException(failure);
          metrics.signal(signal.source(), signal.step(), e.reason().tag());
          return Future.failedFuture(e);
        });
  }

  private CallSubmission bounded(CallSignal s) {
    String callId = s.callId().strip();
    if (callId.isEmpty() || callId.length() > MAX_CALL_ID || callId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IntakeException(IntakeException.Reason.REJECTED, "call id empty, too long or with control characters");
    }
    Map<String, String> facts = new LinkedHashMap<>();
    s.facts().entrySet().stream().filter(e -> e.getKey() != null && e.getValue() != null).limit(MAX_FACTS)
        .forEach(e -> facts.put(cut(e.getKey(), 32), cut(e.getValue(), MAX_FACT_CHARS)));
    CallSignal clean = new CallSignal(callId, s.step(), s.at(), s.caller(), cut(s.callerName(), MAX_NAME), cut(s.callee(), MAX_PARTY),
        s.cause(), s.source(), cut(s.agent(), MAX_PARTY), facts);
    String caller = ContactNormalizer.phone(s.caller()).orElse(null);
    return new CallSubmission(clean, caller, topic.code(), priority.code(), department, routing.dueAt(topic, priority, s.at()));
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return null;
    }
    String t = s.strip();
    if (t.isEmpty()) {
      return null;
    }
    return t.length() <= max ? t : t.substring(0, Character.isHighSurrogate(t.charAt(max - 1)) ? max - 1 : max);
  }
}
