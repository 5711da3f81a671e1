package org.hotline1022.gateway.intake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.metrics.GatewayMetrics;

/**
 * The single entry for adapters: triage, hand to the writer, answer after commit. The returned
 * future succeeds only once the rows are committed; it fails with {@link IntakeException} whose
 * reason tells the adapter what to answer. Safe to call from any event loop.
 */
public final class Intake {
  private final Vertx vertx;
  private final Triage triage;
  private final GatewayMetrics metrics;
  private final DeliveryOptions delivery;

  public Intake(Vertx vertx, Triage triage, GatewayMetrics metrics, long ackTimeoutMs) {
    this.vertx = vertx;
    this.triage = triage;
    this.metrics = metrics;
    this.delivery = new DeliveryOptions().setLocalOnly(true).setSendTimeout(ackTimeoutMs)
        .setCodecName(new LocalCodec<>(Submission.class).name());
  }

  /** Registers the in-process codecs once per Vert.x instance. */
  public static void registerCodecs(Vertx vertx) {
    vertx.eventBus().registerCodec(new LocalCodec<>(Submission.class));
    vertx.eventBus().registerDefaultCodec(IngestResult.class, new LocalCodec<>(IngestResult.class));
  }

  public Future<IngestResult> submit(Inbound inbound) {
    long start = System.nanoTime();
    Submission submission;
    try {
      submission = triage.triage(inbound);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx.eventBus().<IngestResult>request(WriterProtocol.ADDRESS, submission, delivery)
        .map(reply -> {
          IngestResult result = reply.body();
          metrics.received(inbound.channel(), result.duplicate() ? "duplicate" : "stored");
          metrics.ackLatency(inbound.channel(), System.nanoTime() - start);
          return result;
        })
        .recover(failure -> {
          IntakeException e = toIntakeException(failure);
          metrics.received(inbound.channel(), e.reason().tag());
          return Future.failedFuture(e);
        });
  }

  static IntakeException toIntakeException(Throwable failure) {
    if (failure instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        IntakeException.Reason[] reasons = IntakeException.Reason.values();
        int code = re.failureCode();
        return new IntakeException(code >= 0 && code < reasons.length ? reasons[code] : IntakeException.Reason.UNAVAILABLE, re.getMessage());
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new IntakeException(IntakeException.Reason.TIMEOUT, "no commit within the ack timeout");
      }
      return new IntakeException(IntakeException.Reason.SHUTTING_DOWN, "writer not available");
    }
    return new IntakeException(IntakeException.Reason.UNAVAILABLE, String.valueOf(failure.getMessage()));
  }
}
