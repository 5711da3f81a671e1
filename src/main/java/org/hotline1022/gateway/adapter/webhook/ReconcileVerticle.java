package org.hotline1022.gateway.adapter.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookConversations;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloConversations;
import org.hotline1022.gateway.config.ReconcileConfig;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.intake.Intake;
import org.hotline1022.gateway.intake.RunLock;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconciliation for Facebook and Zalo: every {@code intervalSeconds}, and soon after an outage
 * ends. Outage: the webhook routes publish on {@link #REFUSED} each time they answer a delivery 503
 * (intake refused it); this verticle keeps, per channel, when the refusals began and the last one,
 * and once the readiness database probe says the database answers again it runs that platform with
 * a window reaching back to the first refusal. The mark is cleared only by a successful run that
 * started after the last refusal. Owns its HTTP client and its lock pool; one instance per process.
 */
public final class ReconcileVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileVerticle.class);

  /** Local address: body = channel tag of a webhook delivery answered 503. */
  public static final String REFUSED = "hotline.webhook.refused";
  /** Read from a little before the first refusal: the platform's clock and ours differ. */
  private static final Duration SLACK = Duration.ofMinutes(5);
  private static final Duration MAX_LOOKBACK = Duration.ofDays(30);

  private final ReconcileConfig config;
  private final WebhookConfig webhooks;
  private final Intake intake;
  private final GatewayMetrics gatewayMetrics;
  private final Function<Vertx, RunLock> locks;
  private final Readiness readiness;
  private final ReconcileMetrics metrics;
  private final Supplier<Future<String>> zaloAccessToken;

  private record Mark(Instant first, Instant last) {}

  private final Map<Channel, Mark> marks = new EnumMap<>(Channel.class);
  private final Set<Channel> running = EnumSet.noneOf(Channel.class);
  private HttpClient client;
  private Reconciler reconciler;
  private List<PlatformReader> readers;
  private MessageConsumer<String> consumer;

  /**
   * @param intake an intake without its own meters: a scheduled run re-reads hundreds of stored messages,
   *     which must not show as replays absorbed; {@code gatewayMetrics} counts only what a run stored
   */
  public ReconcileVerticle(ReconcileConfig config, WebhookConfig webhooks, Intake intake, GatewayMetrics gatewayMetrics,
      Function<Vertx, RunLock> locks, Readiness readiness, ReconcileMetrics metrics, Supplier<Future<String>> zaloAccessToken) {
    this.config = config;
    this.webhooks = webhooks;
    this.intake = intake;
    this.gatewayMetrics = gatewayMetrics;
    this.locks = locks;
    this.readiness = readiness;
    this.metrics = metrics;
    this.zaloAccessToken = zaloAccessToken;
  }

  /** What the webhook routes call when they answer 503 (throttled by the caller): any event loop, never blocks. */
  public static void refused(Vertx vertx, Channel channel) {
    vertx.eventBus().publish(REFUSED, channel.tag(), new DeliveryOptions().setLocalOnly(true));
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.requestTimeoutMs()), new PoolOptions().setHttp1MaxSize(2));
    ReadApi api = new ReadApi(vertx, client, config.maxResponseBytes(), config.requestTimeoutMs());
    readers = List.of(new FacebookConversations(webhooks, config, api), new ZaloConversations(webhooks, config, api, zaloAccessToken));
    reconciler = new Reconciler(locks.apply(vertx), in -> intake.submit(in).onSuccess(r -> {
      if (!r.duplicate()) {
        gatewayMetrics.received(in.channel(), "stored");
      }
    }), metrics);
    for (PlatformReader r : readers) {
      LOG.info("reconciliation [channel: {}, configured: {}, intervalSeconds: {}]", r.channel().tag(), r.configured(),
          config.intervalSeconds());
      vertx.setPeriodic(config.intervalSeconds() * 1000L, id -> run(r));
    }
    vertx.setPeriodic(config.outageCheckMs(), id -> afterOutage());
    consumer = vertx.eventBus().localConsumer(REFUSED, m -> {
      Instant now = Instant.now();
      marks.merge(Channel.of(m.body()), new Mark(now, now), (old, fresh) -> new Mark(old.first(), now));
    });
    return consumer.completion();
  }

  private void afterOutage() {
    if (marks.isEmpty() || !Boolean.TRUE.equals(readiness.snapshot().get("database"))) {
      return;
    }
    for (PlatformReader r : readers) {
      if (marks.containsKey(r.channel()) && !r.configured()) {
        marks.remove(r.channel()); // nothing to read it back with: counted once by the scheduled runs
      } else if (marks.containsKey(r.channel())) {
        run(r);
      }
    }
  }

  private void run(PlatformReader reader) {
    Channel channel = reader.channel();
    if (!running.add(channel)) {
      return; // the previous run of this platform is still going
    }
    Instant started = Instant.now();
    Mark mark = marks.get(channel);
    Instant since = started.minus(Duration.ofMinutes(config.lookbackMinutes()));
    if (mark != null && mark.first().minus(SLACK).isBefore(since)) {
      since = mark.first().minus(SLACK);
    }
    if (since.isBefore(started.minus(MAX_LOOKBACK))) {
      since = started.minus(MAX_LOOKBACK);
    }
    reconciler.run(reader, since).onComplete(ar -> {
      running.remove(channel);
      RunOutcome outcome = ar.succeeded() ? ar.result().outcome() : RunOutcome.UNREACHABLE;
      if (outcome == RunOutcome.NO_ACCESS_TOKEN || outcome == RunOutcome.NOT_CONFIGURED) {
        marks.remove(channel); // retrying every few seconds cannot help; the scheduled runs keep reporting it
      } else if (outcome == RunOutcome.OK) {
        Mark now = marks.get(channel);
        if (now != null && now.last().isBefore(started)) {
          marks.remove(channel);
          LOG.info("reconciliation after refused webhooks done [channel: {}, recovered: {}]", channel.tag(), ar.result().recovered());
        } else if (now != null) {
          marks.put(channel, new Mark(started, now.last())); // refused again during the run: what came before is read
        }
      }
    });
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister().eventually(() -> client.close());
  }
}
