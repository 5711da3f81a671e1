package org.hotline1022.gateway.adapter.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hotline1022.gateway.config.WebConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Contact;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.inquiry.TrackingCodes;
import org.hotline1022.gateway.intake.CitizenStatus;
import org.hotline1022.gateway.intake.IngestResult;
import org.hotline1022.gateway.intake.Intake;
import org.hotline1022.gateway.intake.IntakeException;
import org.hotline1022.gateway.intake.StatusLookup;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web portal channel: citizens submit an inquiry and look up its status with the tracking code.
 * A {@code 201} is only ever sent after the inquiry committed; overload and database trouble answer
 * {@code 503} with {@code Retry-After}.
 */
public final class WebPortal {
  private static final Logger LOG = LoggerFactory.getLogger(WebPortal.class);
  public static final String SUBMIT_PATH = "/api/v1/web/inquiries";

  private final Intake intake;
  private final StatusLookup lookup;
  private final WebConfig config;
  private final GatewayMetrics metrics;
  private final WebFormParser parser;
  private final RateLimiter submitLimiter;
  private final RateLimiter lookupLimiter;
  private final int retryAfterSeconds;

  /** Shared across HTTP verticle instances: the limiters must see every event loop's traffic. */
  public static final class Limits {
    final RateLimiter submit;
    final RateLimiter lookup;

    public Limits(Vertx vertx, WebConfig config) {
      this.submit = new RateLimiter(config.rateLimit(), config.rateBurst(), 200_000);
      // lookups are cheap but guessable codes must not be enumerated: a wider, separate budget
      this.lookup = new RateLimiter(config.rateLimit() * 5, config.rateBurst() * 5, 200_000);
      if (config.rateLimit() > 0) {
        vertx.setPeriodic(60_000, id -> {
          submit.sweep();
          lookup.sweep();
        });
      }
    }
  }

  public WebPortal(Intake intake, StatusLookup lookup, WebConfig config, Limits limits, GatewayMetrics metrics, int retryAfterSeconds) {
    this.intake = intake;
    this.lookup = lookup;
    this.config = config;
    this.metrics = metrics;
    this.parser = new WebFormParser(config);
    this.submitLimiter = limits.submit;
    this.lookupLimiter = limits.lookup;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public void mount(Router router) {
    // limiting is its own route so a flooding client is refused before its body is read
    router.route(HttpMethod.POST, SUBMIT_PATH).handler(this::limit);
    router.route(HttpMethod.POST, SUBMIT_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
        .handler(this::submit)
        .failureHandler(ctx -> {
          if (ctx.statusCode() == 413) {
            tooLarge(ctx);
          } else if (ctx.failure() instanceof io.netty.handler.codec.DecoderException
              || ctx.failure() instanceof io.netty.handler.codec.http.multipart.HttpPostRequestDecoder.ErrorDataDecoderException) {
            // the body handler's own form decoding refused a malformed percent escape
            submitFailed(ctx, new BadInput("body", "bad_encoding", "malformed form encoding"));
          } else {
            submitFailed(ctx, ctx.failure() == null ? new IllegalStateException("status " + ctx.statusCode()) : ctx.failure());
          }
        });
    router.route(HttpMethod.GET, SUBMIT_PATH + "/:code").handler(this::status);
  }

  /** Rate limit before the body is read, so a flooding client costs as little as possible. */
  private void limit(RoutingContext ctx) {
    if (submitLimiter.tryAcquire(clientOf(ctx.request()))) {
      ctx.next();
      return;
    }
    rejected(ctx, "rate_limited");
    ctx.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(submitLimiter.retryAfterSeconds()));
    json(ctx, new JsonObject().put("error", "rate_limited").put("message", "Quá nhiều yêu cầu, vui lòng thử lại sau."));
  }

  private void submit(RoutingContext ctx) {
    Instant receivedAt = Instant.now();
    HttpServerRequest req = ctx.request();
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    Future.succeededFuture(body)
        .map(b -> toInbound(parser.parse(req.getHeader("Content-Type"), b), receivedAt))
        .compose(intake::submit)
        .onSuccess(result -> created(ctx, result))
        .onFailure(failure -> submitFailed(ctx, failure));
  }

  /**
   * No raw copy for the web: the form's fields are the whole payload and are stored as they are;
   * a second copy of the text would only double the write cost of the largest field.
   */
  private Inbound toInbound(WebForm form, Instant receivedAt) {
    // the channel address of a web citizen: what they left to be reached at, else nothing shared
    String externalId = form.submissionId() != null ? form.submissionId() : "auto:" + UUID.randomUUID();
    String address = form.phone() != null ? form.phone() : form.email() != null ? form.email() : "anon:" + externalId;
    return new Inbound(Channel.WEB, externalId, receivedAt, new Contact(address, form.name(), form.phone(), form.email()),
        null, true, form.district(), null, form.text(), null, null, Map.of());
  }

  private void created(RoutingContext ctx, IngestResult r) {
    ctx.response().setStatusCode(r.duplicate() ? 200 : 201);
    json(ctx, new JsonObject().put("trackingCode", r.trackingCode()).put("status", r.status()).put("topic", r.topic())
        .put("priority", r.priority()).put("department", r.department()).put("dueAt", r.dueAt() == null ? null : r.dueAt().toString()));
  }

  private void submitFailed(RoutingContext ctx, Throwable failure) {
    if (failure instanceof BadInput bad) {
      rejected(ctx, bad.code.equals("body_too_large") ? "too_large" : "bad_input");
      ctx.response().setStatusCode(400);
      json(ctx, new JsonObject().put("error", bad.code).put("field", bad.field).put("message", bad.getMessage()));
    } else if (failure instanceof IntakeException e && !e.reason().transientFailure()) {
      ctx.response().setStatusCode(400);
      json(ctx, new JsonObject().put("error", "unstorable").put("field", "body").put("message", "the submission cannot be stored"));
    } else if (failure instanceof IntakeException e) {
      unavailable(ctx, e.reason().tag());
    } else {
      LOG.error("web submission failed unexpectedly [requestPath: {}]", ctx.request().path(), failure);
      unavailable(ctx, "error");
    }
  }

  private void status(RoutingContext ctx) {
    if (!lookupLimiter.tryAcquire(clientOf(ctx.request()))) {
      ctx.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(lookupLimiter.retryAfterSeconds()));
      json(ctx, new JsonObject().put("error", "rate_limited"));
      return;
    }
    var code = TrackingCodes.canonical(ctx.pathParam("code"));
    if (code.isEmpty()) {
      ctx.response().setStatusCode(404);
      json(ctx, new JsonObject().put("error", "not_found"));
      return;
    }
    lookup.find(code.get())
        .onSuccess(found -> {
          if (found.isEmpty()) {
            ctx.response().setStatusCode(404);
            json(ctx, new JsonObject().put("error", "not_found"));
          } else {
            json(ctx, statusJson(found.get()));
          }
        })
        .onFailure(failure -> unavailable(ctx, "unavailable"));
  }

  private static JsonObject statusJson(CitizenStatus s) {
    JsonArray answers = new JsonArray();
    s.answers().forEach(a -> answers.add(new JsonObject().put("text", a.text()).put("at", a.at().toString())));
    return new JsonObject().put("trackingCode", s.trackingCode()).put("status", s.status())
        .put("createdAt", s.createdAt().toString()).put("answers", answers);
  }

  private void tooLarge(RoutingContext ctx) {
    rejected(ctx, "too_large");
    ctx.response().setStatusCode(400).putHeader("Connection", "close");
    json(ctx, new JsonObject().put("error", "body_too_large").put("field", "body")
        .put("message", "the body is larger than " + config.maxBodyBytes() + " bytes"));
  }

  private void unavailable(RoutingContext ctx, String why) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(503).putHeader("Retry-After", String.valueOf(retryAfterSeconds));
    json(ctx, new JsonObject().put("error", "unavailable").put("reason", why)
        .put("message", "Hệ thống đang quá tải, vui lòng gửi lại sau ít phút."));
  }

  private void rejected(RoutingContext ctx, String reason) {
    metrics.rejected(Channel.WEB, reason);
  }

  private String clientOf(HttpServerRequest req) {
    if (config.trustForwardedFor()) {
      String fwd = req.getHeader("X-Forwarded-For");
      if (fwd != null && !fwd.isBlank()) {
        int comma = fwd.indexOf(',');
        return (comma < 0 ? fwd : fwd.substring(0, comma)).strip();
      }
    }
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.toBuffer());
    }
  }
}
