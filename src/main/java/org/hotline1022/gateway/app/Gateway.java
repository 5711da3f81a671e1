package org.hotline1022.gateway.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.adapter.sip.hep.HepCollectorVerticle;
import org.hotline1022.gateway.adapter.sip.hep.MicrometerHepMetrics;
import org.hotline1022.gateway.agent.AuthKeys;
import org.hotline1022.gateway.agent.SessionCounts;
import org.hotline1022.gateway.stream.EventFeedVerticle;
import org.hotline1022.gateway.stream.StreamHead;
import org.hotline1022.gateway.adapter.web.WebPortal;
import org.hotline1022.gateway.adapter.webhook.MicrometerReconcileMetrics;
import org.hotline1022.gateway.adapter.webhook.ReconcileVerticle;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.health.DatabaseProbeVerticle;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.intake.BatchedCallIntake;
import org.hotline1022.gateway.intake.CallMetrics;
import org.hotline1022.gateway.intake.Intake;
import org.hotline1022.gateway.intake.MicrometerCallMetrics;
import org.hotline1022.gateway.intake.Triage;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.hotline1022.gateway.metrics.MicrometerGatewayMetrics;
import org.hotline1022.gateway.metrics.OpenInquiriesVerticle;
import org.hotline1022.gateway.deadline.DeadlineWatcherVerticle;
import org.hotline1022.gateway.deadline.MicrometerDeadlineMetrics;
import org.hotline1022.gateway.reply.MicrometerReplyMetrics;
import org.hotline1022.gateway.reply.OutboxDispatcherVerticle;
import org.hotline1022.gateway.reply.FacebookReplySender;
import org.hotline1022.gateway.reply.ReplySender;
import org.hotline1022.gateway.reply.SmtpReplySender;
import org.hotline1022.gateway.reply.WebReplySender;
import org.hotline1022.gateway.reply.ZaloReplySender;
import org.hotline1022.gateway.reply.ZaloTokenVerticle;
import org.hotline1022.gateway.reply.ReceiptVerticle;
import org.hotline1022.gateway.reply.SocialMetrics;
import org.hotline1022.gateway.reply.MicrometerSocialMetrics;
import org.hotline1022.gateway.media.MediaVerticle;
import org.hotline1022.gateway.media.MicrometerMediaMetrics;
import org.hotline1022.gateway.store.CallWriterVerticle;
import org.hotline1022.gateway.store.DatabaseVerticle;
import org.hotline1022.gateway.store.PgRunLock;
import org.hotline1022.gateway.store.WriterVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the gateway in dependency order (database and migrations → writer → listeners), so
 * nothing accepts traffic before it can be stored, and stops it in reverse within a hard deadline:
 * readiness off, listeners closed gracefully, writer drained, database closed (docs/deploy.md).
 */
public final class Gateway {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final MeterRegistry registry;
  private final Routing routing;
  private final Triage triage;
  private final Readiness readiness = new Readiness();
  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private DatabaseVerticle database;
  private BatchedCallIntake callIntake;

  public Gateway(Vertx vertx, GatewayConfig config, MeterRegistry registry, Routing routing, Triage triage) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.routing = routing;
    this.triage = triage;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** The database in use, once started. */
  public org.hotline1022.gateway.store.DbEndpoint db() {
    return database.endpoint();
  }

  /** The phone inputs' entry to the store (set while starting, before any listener). */
  public BatchedCallIntake callIntake() {
    return callIntake;
  }

  public Future<Gateway> start() {
    LOG.info("starting [{}]", config.describe());
    config.unknownEnv().forEach(name -> LOG.warn("environment variable matches no config key [name: {}]", name));
    Intake.registerCodecs(vertx);
    BatchedCallIntake.registerCodecs(vertx);
    EventFeedVerticle.registerCodec(vertx);
    GatewayMetrics metrics = new MicrometerGatewayMetrics(registry);
    AuthKeys authKeys;
    CallMetrics callMetrics = new MicrometerCallMetrics(registry);
    try {
      authKeys = AuthKeys.resolve(config.auth(), config.dataDir(), config.db().embedded());
      callIntake = new BatchedCallIntake(vertx, config.calls(), routing, callMetrics);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    StreamHead head = new StreamHead();
    SessionCounts sessions = new SessionCounts();
    metrics.agentSessions(SessionCounts.ROLE_ORDER, sessions::get);
    metrics.feedLag(head::lag, head::lagSeconds);
    metrics.health(() -> readiness.snapshot().getOrDefault("database", false), readiness::ready);
    SocialMetrics socialMetrics = new MicrometerSocialMetrics(registry);
    database = new DatabaseVerticle(config.db(), config.dataDir());
    return deploy(database, new DeploymentOptions())
        .compose(v -> {
          Services s = new Services(config, database.endpoint(), routing, triage, registry, metrics, readiness,
              new WebPortal.Limits(vertx, config.web()), authKeys, head, sessions, callIntake);
          return deploy(new WriterVerticle(s.db(), config.writer(), metrics), new DeploymentOptions())
              .compose(w -> deploy(new CallWriterVerticle(s.db(), config.calls(), routing.zone().getId(), callMetrics),
                  new DeploymentOptions()))
              .compose(w -> deploy(new DatabaseProbeVerticle(s.db(), readiness), new DeploymentOptions()))
              .compose(p -> deploy(new EventFeedVerticle(s.db(), head, config.agents().feedPollMs()), new DeploymentOptions()))
              .compose(f -> deploy(new ZaloTokenVerticle(s.db(), config.webhooks(), config.zaloToken(), socialMetrics, readiness),
                  new DeploymentOptions()))
              .compose(t -> deploy(new OutboxDispatcherVerticle(s.db(), config.reply(), replySenders(s.db()),
                  new MicrometerReplyMetrics(registry)), new DeploymentOptions()))
              .compose(d -> !config.receipts().enabled() ? Future.succeededFuture("")
                  : deploy(new ReceiptVerticle(s.db(), config.receipts(), socialMetrics), new DeploymentOptions()))
              .compose(r -> !config.media().enabled() ? Future.succeededFuture("")
                  : deploy(new MediaVerticle(s.db(), config.media(), new MicrometerMediaMetrics(registry)), new DeploymentOptions()))
              .compose(d -> deploy(new DeadlineWatcherVerticle(s.db(), config.deadlines(), new MicrometerDeadlineMetrics(registry)),
                  new DeploymentOptions()))
              .compose(d -> deploy(new OpenInquiriesVerticle(s.db(), config.metrics(), routing.departments().keySet(), metrics),
                  new DeploymentOptions()))
              .compose(m -> deployMailboxes(s, metrics))
              .compose(m -> !config.reconcile().enabled() ? Future.succeededFuture("") : deploy(reconciliation(s, metrics),
                  new DeploymentOptions()))
              .compose(m -> !config.hep().enabled() ? Future.succeededFuture("")
                  : deploy(new HepCollectorVerticle(config.hep(), s.callIntake(), new MicrometerHepMetrics(registry), readiness),
                      new DeploymentOptions()))
              .compose(p -> deploy("HttpVerticle",
                  () -> vertx.deployVerticle(() -> new HttpVerticle(s), new DeploymentOptions().setInstances(config.http().instances()))))
              .compose(h -> deploySip(s));
        })
        .map(v -> {
          readiness.set("http", true);
          LOG.info("gateway ready [httpPort: {}]", config.http().port());
          return this;
        });
  }

  /** Facebook and Zalo reconciliation (docs/webhooks.md); the run lock is a Postgres advisory lock. */
  private ReconcileVerticle reconciliation(Services s, GatewayMetrics metrics) {
    String zaloToken = config.reconcile().zaloAccessToken();
    ZaloReplySender.TokenSource zaloTokens = ZaloTokenVerticle.source(config.zaloToken());
    return new ReconcileVerticle(config.reconcile(), config.webhooks(),
        new Intake(vertx, triage, GatewayMetrics.NOOP, config.writer().ackTimeoutMs()), metrics, vx -> new PgRunLock(s.db().pool(vx, "hotline-reconcile-lock", 2, false)), readiness, new MicrometerReconcileMetrics(registry),
        // the token the reply sender uses (kept in Postgres, refreshed by one process); a static token from the
        // environment only when the store has none
        () -> zaloTokens.token(null).recover(e -> zaloToken.isEmpty() ? Future.failedFuture(e) : Future.succeededFuture(zaloToken)));
  }

  /**
   * The SIP listener (overflow intake UAS, dialog events) last, so calls are answered only once
   * their signals can be stored; stopped first, after flushing what it still holds. It runs on a
   * thread of its own (a one-thread worker pool, so still one thread at a time): sharing an event
   * loop with the call writer's batch work delayed SIP answers by seconds in the S1 bench.
   */
  private Future<String> deploySip(Services s) {
    if (!config.sip().enabled()) {
      return Future.succeededFuture("");
    }
    return deploy(new org.hotline1022.gateway.adapter.sip.SipVerticle(config.sip(), s.callIntake(),
        new org.hotline1022.gateway.adapter.sip.MicrometerSipUasMetrics(registry), readiness::isShuttingDown),
        new DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER).setWorkerPoolName("sip-listener")
            .setWorkerPoolSize(1))
        .onSuccess(id -> readiness.set("sip", true));
  }

  /** One IMAP reader per configured mailbox, each with its own lease, checkpoint and worker pool. */
  private Future<String> deployMailboxes(Services s, GatewayMetrics metrics) {
    var mailMetrics = new org.hotline1022.gateway.adapter.mail.MicrometerMailMetrics(registry);
    Future<String> chain = Future.succeededFuture("");
    for (var mailbox : config.mail().mailboxes()) {
      if (!mailbox.reads()) {
        continue;
      }
      chain = chain.compose(prev -> deploy(new org.hotline1022.gateway.adapter.mail.ImapMailboxVerticle(config.mail(), mailbox,
          new Intake(vertx, triage, metrics, config.writer().ackTimeoutMs()),
          vx -> new org.hotline1022.gateway.store.PgMailCheckpoints(s.db().pool(vx, "mail-checkpoints", 1, false)), mailMetrics,
          (name, up, state) -> {
            readiness.set("mail." + name, up);
            readiness.detail("mail." + name, state);
          }), new DeploymentOptions()));
    }
    return chain;
  }

  /** One sender per channel that can answer; SMTP only when a server is configured. */
  private List<ReplySender> replySenders(org.hotline1022.gateway.store.DbEndpoint db) {
    List<ReplySender> senders = new ArrayList<>(List.of(new WebReplySender(), new FacebookReplySender(config.webhooks()),
        new ZaloReplySender(config.webhooks(), ZaloTokenVerticle.source(config.zaloToken()))));
    if (config.mail().smtpEnabled()) {
      senders.add(new SmtpReplySender(vertx, config.mail(),
          vx -> new org.hotline1022.gateway.store.PgOutboundMailIds(db.pool(vx, "mail-outbound-ids", 1, false))));
    }
    return senders;
  }

  private Future<String> deploy(io.vertx.core.Deployable verticle, DeploymentOptions options) {
    return deploy(verticle.getClass().getSimpleName(), () -> vertx.deployVerticle(verticle, options));
  }

  /** Records the deployment for the reverse-order stop; refuses once shutdown has begun. */
  private Future<String> deploy(String name, Supplier<Future<String>> deployment) {
    if (readiness.isShuttingDown()) {
      return Future.failedFuture("shutting down: not deploying " + name);
    }
    return deployment.get().onSuccess(id -> {
      names.put(id, name);
      deployments.add(id);
    });
  }

  /** Graceful stop within {@code shutdown.graceSeconds} from now. */
  public Future<Void> stop() {
    return stop(System.nanoTime() + config.shutdownGrace().toNanos());
  }

  /**
   * Graceful stop, finished by {@code deadlineNanos} ({@link System#nanoTime()} scale) whatever hangs:
   * readiness off at once; the configured drain delay (listeners still open while load balancers
   * take the replica out); then every verticle undeployed in reverse deployment order, each bounded
   * by the time left, so a listener that hangs cannot keep the writer from draining or the database
   * from stopping last. Listeners (HTTP, and any adapter that closes its own sockets in its stop)
   * get the time up to the readiness drain deadline; the tail is kept for the writer and database.
   * Never fails; each phase is logged with its duration.
   */
  public Future<Void> stop(long deadlineNanos) {
    long begin = System.nanoTime();
    long tail = tailReserveNanos(deadlineNanos - begin);
    readiness.shuttingDown(deadlineNanos - tail);
    LOG.info("shutdown: readiness off [budgetMs: {}, drainDelayMs: {}, deployments: {}]", (deadlineNanos - begin) / 1_000_000,
        config.shutdownDrainDelay().toMillis(), deployments.size());
    List<String> order = new ArrayList<>(deployments);
    Future<Void> chain = phase("drain-delay", () -> delay(config.shutdownDrainDelay().toMillis()), deadlineNanos - tail);
    for (int i = order.size() - 1; i >= 0; i--) {
      String id = order.get(i);
      // the first deployment (the database) stops last, with whatever is left; the others keep a reserve for it
      long until = i == 0 ? deadlineNanos : deadlineNanos - tail / 2;
      chain = chain.transform(ar -> phase("undeploy " + names.getOrDefault(id, id),
          () -> vertx.deploymentIDs().contains(id) ? vertx.undeploy(id) : Future.succeededFuture(), until));
    }
    return chain.onComplete(ar -> LOG.info("shutdown: gateway stopped [tookMs: {}]", (System.nanoTime() - begin) / 1_000_000));
  }

  /** Time kept after the listeners' drain for the writer and the database: a quarter of the budget, 1 to 5 s. */
  static long tailReserveNanos(long budgetNanos) {
    return Math.max(Math.min(budgetNanos / 4, 5_000_000_000L), Math.min(1_000_000_000L, budgetNanos / 2));
  }

  /** Runs one shutdown step bounded by {@code untilNanos}; logs its duration; never fails. */
  private Future<Void> phase(String name, Supplier<Future<?>> step, long untilNanos) {
    long start = System.nanoTime();
    long budgetMs = Math.max(1, (untilNanos - start) / 1_000_000);
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(budgetMs, t -> {
      if (done.tryComplete()) {
        LOG.warn("shutdown phase timed out; going on [phase: {}, budgetMs: {}]", name, budgetMs);
      }
    });
    Future<?> f;
    try {
      f = step.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      long took = (System.nanoTime() - start) / 1_000_000;
      if (done.future().isComplete()) {
        LOG.info("shutdown phase finished after its deadline [phase: {}, tookMs: {}]", name, took);
      } else if (ar.failed()) {
        LOG.warn("shutdown phase failed; going on [phase: {}, tookMs: {}]", name, took, ar.cause());
      } else {
        LOG.info("shutdown phase done [phase: {}, tookMs: {}]", name, took);
      }
      done.tryComplete(); // after the log line, so the next phase's lines follow it
    });
    return done.future();
  }

  private Future<Void> delay(long ms) {
    if (ms <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }
}
