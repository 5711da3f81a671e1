package org.hotline1022.gateway.adapter.webhook;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.List;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookWebhookProvider;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloWebhookProvider;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.intake.Intake;
import org.hotline1022.gateway.intake.IntakeException;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts one route per {@link WebhookProvider}. Per request: raw body read under a size limit,
 * signature checked over those bytes, every inbound of the delivery submitted, and {@code 200} only
 * once each one committed or was a duplicate. Anything else is {@code 503 + Retry-After}: the
 * platform retries and the dedupe on message ids makes the retry harmless.
 */
public final class WebhookRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoutes.class);

  private final Intake intake;
  private final List<WebhookProvider> providers;
  private final int maxBodyBytes;
  private final GatewayMetrics metrics;
  private final int retryAfterSeconds;
  private final Readiness readiness;
  /** Per channel, when this instance last reported a refusal: an overload answering thousands of 503s a second reports a few. */
  private final long[] refusalReported = new long[org.hotline1022.gateway.inquiry.Channel.values().length];

  public WebhookRoutes(Intake intake, List<WebhookProvider> providers, int maxBodyBytes, GatewayMetrics metrics,
      Readiness readiness, int retryAfterSeconds) {
    this.intake = intake;
    this.providers = List.copyOf(providers);
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = metrics;
    this.retryAfterSeconds = retryAfterSeconds;
    this.readiness = readiness;
  }

  /** The Facebook and Zalo providers of this gateway. */
  public static WebhookRoutes of(Intake intake, WebhookConfig config, GatewayMetrics metrics, Readiness readiness,
      int retryAfterSeconds) {
    return new WebhookRoutes(intake, List.of(new FacebookWebhookProvider(config), new ZaloWebhookProvider(config)),
        config.maxBodyBytes(), metrics, readiness, retryAfterSeconds);
  }

  public void mount(Router router) {
    for (WebhookProvider p : providers) {
      // a detail, not a check: one channel without its secret must not take the others out of service
      readiness.detail("webhook." + p.channel().tag(), p.configured() ? "configured" : "not_configured: secret not set, answering 503");
      if (!p.configured()) {
        LOG.warn("webhook channel not configured, answering 503 [channel: {}, path: {}]", p.channel().tag(), p.path());
      }
      router.route(HttpMethod.GET, p.path()).handler(ctx -> handshake(ctx, p));
      // its own route so an unconfigured channel refuses before the body is read (a body handler must come first)
      router.route(HttpMethod.POST, p.path()).handler(ctx -> {
        if (p.configured()) {
          ctx.next();
        } else {
          notConfigured(ctx, p);
        }
      });
      router.route(HttpMethod.POST, p.path())
          .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
          .handler(ctx -> receive(ctx, p))
          .failureHandler(ctx -> bodyFailed(ctx, p));
    }
  }

  private void handshake(RoutingContext ctx, WebhookProvider p) {
    if (!p.configured()) {
      notConfigured(ctx, p);
      return;
    }
    WebhookProvider.Handshake answer = p.handshake(ctx.queryParams());
    if (answer == null) {
      ctx.response().setStatusCode(405).end();
      return;
    }
    if (answer.status() != 200) {
      metrics.rejected(p.channel(), "bad_verify_token");
    }
    ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "text/plain; charset=utf-8").end(answer.body());
  }

  private void receive(RoutingContext ctx, WebhookProvider p) {
    Instant receivedAt = Instant.now();
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    Verification v = p.verify(ctx.request().headers(), body);
    switch (v.outcome()) {
      case PROBE -> {
        ctx.response().setStatusCode(200).end();
        return;
      }
      case MISSING, INVALID -> {
        metrics.rejected(p.channel(), v.reason());
        LOG.warn("webhook signature refused [channel: {}, reason: {}]", p.channel().tag(), v.reason());
        answer(ctx, v.outcome() == Verification.Outcome.MISSING ? 401 : 403, "bad_signature");
        return;
      }
      case FLAGGED -> LOG.error("webhook signature mismatch accepted for diagnosis [channel: {}]", p.channel().tag());
      case VALID -> { }
    }
    Future.succeededFuture(body)
        .map(b -> p.parse(b, receivedAt))
        .compose(delivery -> submitAll(p, delivery, v.outcome() == Verification.Outcome.FLAGGED))
        .onSuccess(n -> ctx.response().setStatusCode(200).end())
        .onFailure(failure -> failed(ctx, p, failure));
  }

  private Future<Integer> submitAll(WebhookProvider p, Delivery delivery, boolean flagged) {
    // counted under fixed reasons, not per kind: the kinds come from the payload
    delivery.ignored().forEach(kind -> metrics.rejected(p.channel(), kind.equals("unknown") ? "unknown_event" : "not_inquiry"));
    List<Future<?>> commits = delivery.inbounds().stream()
        .<Future<?>>map(in -> intake.submit(flagged ? flagged(in) : in))
        .toList();
    return Future.all(commits).map(all -> commits.size());
  }

  private static Inbound flagged(Inbound in) {
    var facts = new java.util.HashMap<>(in.facts());
    facts.put("signature", "mismatch");
    return new Inbound(in.channel(), in.externalId(), in.receivedAt(), in.contact(), in.threadKey(), in.newThread(),
        in.district(), in.subject(), in.text(), in.attachments(), in.raw(), facts);
  }

  /** The one failure exit of a delivery: a typed answer for every cause, never a 500 with a trace. */
  private void failed(RoutingContext ctx, WebhookProvider p, Throwable failure) {
    if (failure instanceof MalformedPayload) {
      metrics.rejected(p.channel(), "malformed");
      answer(ctx, 400, "malformed");
    } else if (failure instanceof IntakeException e && !e.reason().transientFailure()) {
      // retrying cannot help, but the platform will retry anything but a 2xx; logged for an operator
      LOG.error("webhook delivery refused by the store [channel: {}]", p.channel().tag());
      answer(ctx, 422, "unstorable");
    } else if (failure instanceof IntakeException e) {
      // Zalo does not retry a 503 and Facebook gives up: reconciliation reads it back once the store is back
      reportRefusal(ctx, p);
      unavailable(ctx, e.reason().tag());
    } else {
      LOG.error("webhook delivery failed unexpectedly [channel: {}]", p.channel().tag(), failure);
      reportRefusal(ctx, p);
      unavailable(ctx, "error");
    }
  }

  /**
   * At most every 100 ms per channel (this instance runs on one event loop): a refusal not reported is
   * at most that much later than one that was, and the scheduled run reads it anyway.
   */
  private void reportRefusal(RoutingContext ctx, WebhookProvider p) {
    long now = System.nanoTime();
    int i = p.channel().ordinal();
    if (refusalReported[i] == 0 || now - refusalReported[i] >= 100_000_000L) {
      refusalReported[i] = now;
      ReconcileVerticle.refused(ctx.vertx(), p.channel());
    }
  }

  private void bodyFailed(RoutingContext ctx, WebhookProvider p) {
    if (ctx.statusCode() == 413) {
      metrics.rejected(p.channel(), "too_large");
      ctx.response().putHeader("Connection", "close");
      answer(ctx, 413, "body_too_large");
    } else if (ctx.statusCode() == 400) {
      metrics.rejected(p.channel(), "malformed");
      answer(ctx, 400, "malformed");
    } else {
      LOG.error("webhook request failed [channel: {}, status: {}]", p.channel().tag(), ctx.statusCode(), ctx.failure());
      unavailable(ctx, "error");
    }
  }

  private void notConfigured(RoutingContext ctx, WebhookProvider p) {
    metrics.rejected(p.channel(), "not_configured");
    ctx.response().putHeader("Retry-After", String.valueOf(retryAfterSeconds));
    answer(ctx, 503, "channel_not_configured");
  }

  private void unavailable(RoutingContext ctx, String why) {
    ctx.response().putHeader("Retry-After", String.valueOf(retryAfterSeconds));
    answer(ctx, 503, why);
  }

  private static void answer(RoutingContext ctx, int status, String error) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
          .end(new JsonObject().put("error", error).toBuffer());
    }
  }
}
