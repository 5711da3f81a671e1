package org.hotline1022.gateway.media;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.sqlclient.Pool;
import java.util.Random;
import org.hotline1022.gateway.config.MediaConfig;
import org.hotline1022.gateway.media.MediaFetch.Failed;
import org.hotline1022.gateway.media.MediaFetch.Fetched;
import org.hotline1022.gateway.media.MediaFetch.Refused;
import org.hotline1022.gateway.media.MediaFetch.TooLarge;
import org.hotline1022.gateway.media.MediaMetrics.Outcome;
import org.hotline1022.gateway.media.MediaQueries.Claimed;
import org.hotline1022.gateway.reply.Backoff;
import org.hotline1022.gateway.store.DbEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads the image and file attachments of Zalo and Facebook messages into Postgres soon after
 * their message commits. Each tick it (1) follows the event log from the {@code media} cursor and
 * queues new attachments (one process at a time holds the cursor), then (2) claims due downloads
 * with {@code FOR UPDATE SKIP LOCKED} and a lease, like the reply outbox, so any number of processes
 * share the work and none downloads a row another holds. A download's outcome is recorded only by its
 * current claimant. URLs are fetched only from the channel's allowed hosts, at public addresses
 * ({@link MediaGuard}); a refused one is flagged failed and never retried. All state is confined to
 * this verticle's event loop; it owns its pool and client.
 */
public final class MediaVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MediaVerticle.class);
  private static final int DISCOVER_BATCH = 500;

  private final DbEndpoint db;
  private final MediaConfig config;
  private final MediaMetrics metrics;
  private final Backoff backoff;
  private Pool pool;
  private HttpClient http;
  private MediaQueries queries;
  private MediaGuard guard;
  private long timerId = -1;
  private boolean busy;
  private boolean stopping;
  private int inFlight;

  public MediaVerticle(DbEndpoint db, MediaConfig config, MediaMetrics metrics) {
    this.db = db;
    this.config = config;
    this.metrics = metrics;
    this.backoff = new Backoff(config.backoffBaseMs(), config.backoffMaxMs(), new Random());
  }

  @Override
  public Future<?> start() {
    pool = db.cursorPool(vertx, "hotline-media", 2, false);
    queries = new MediaQueries(pool);
    guard = MediaGuard.of(vertx, config);
    // redirects are followed by MediaFetch, each hop checked by the guard
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(config.timeoutMs()),
        new PoolOptions().setHttp1MaxSize(config.concurrency()));
    timerId = vertx.setPeriodic(config.pollIntervalMs(), id -> tick());
    return Future.succeededFuture();
  }

  private void tick() {
    if (busy || stopping) {
      return;
    }
    busy = true;
    discover().compose(v -> claim()).onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        LOG.warn("media worker round failed, retried next tick [cause: {}]", ar.cause().toString());
      }
    });
  }

  /** Reads the log until it is caught up (or another process holds the cursor). */
  private Future<Void> discover() {
    return queries.discover(DISCOVER_BATCH).compose(n -> n == DISCOVER_BATCH && !stopping ? discover() : Future.succeededFuture());
  }

  private Future<Void> claim() {
    int room = config.concurrency() - inFlight;
    if (room <= 0) {
      return Future.succeededFuture();
    }
    return queries.claim(room, config.leaseSeconds()).map(rows -> {
      rows.forEach(this::download);
      return null;
    });
  }

  /** One unit of work: fetch, then record. Never fails; an unrecorded outcome is retried after the lease. */
  private void download(Claimed c) {
    inFlight++;
    MediaFetch.get(http, url -> guard.target(c.channel(), url), c.url(), config.maxBytes(), config.timeoutMs(), config.maxRedirects())
        .transform(ar -> record(c, ar))
        .onComplete(ar -> {
          inFlight--;
          if (ar.failed()) {
            LOG.warn("cannot record a media download, retried after its lease [mediaId: {}, cause: {}]", c.id(), ar.cause().toString());
          }
        });
  }

  private Future<Void> record(Claimed c, AsyncResult<Fetched> fetched) {
    if (stopping) {
      return Future.succeededFuture(); // cut off by the stop: the row comes back after its lease
    }
    if (fetched.succeeded()) {
      Fetched f = fetched.result();
      return queries.stored(c, f.bytes(), f.contentType(), f.sha256()).map(owned -> {
        if (owned) {
          metrics.download(c.channel(), Outcome.STORED);
          LOG.debug("media stored [mediaId: {}, bytes: {}]", c.id(), f.bytes().length());
        }
        return null;
      });
    }
    if (fetched.cause() instanceof TooLarge t) {
      return queries.tooLarge(c, t.size, t.contentType).map(owned -> {
        if (owned) {
          metrics.download(c.channel(), Outcome.TOO_LARGE);
          LOG.info("media over the size cap, not stored [mediaId: {}, announcedBytes: {}, maxBytes: {}]", c.id(), t.size,
              config.maxBytes());
        }
        return null;
      });
    }
    if (fetched.cause() instanceof Refused r) {
      return queries.failed(c, true, r.getMessage(), 0).map(owned -> {
        if (owned) {
          metrics.download(c.channel(), Outcome.REFUSED);
          LOG.warn("media url refused, not fetched [mediaId: {}, code: {}]", c.id(), r.getMessage());
        }
        return null;
      });
    }
    Failed f = fetched.cause() instanceof Failed x ? x : new Failed(false, "error");
    boolean last = f.permanent || c.attempts() >= config.maxAttempts();
    long retryInMs = last ? 0 : backoff.delayMs(c.attempts());
    return queries.failed(c, last, f.getMessage(), retryInMs).map(owned -> {
      if (owned) {
        metrics.download(c.channel(), last ? Outcome.FAILED : Outcome.RETRY);
        if (last) {
          LOG.warn("media download given up [mediaId: {}, attempts: {}, code: {}]", c.id(), c.attempts(), f.getMessage());
        } else {
          LOG.info("media download failed, retrying [mediaId: {}, attempts: {}, code: {}, retryInMs: {}]", c.id(), c.attempts(),
              f.getMessage(), retryInMs);
        }
      }
      return null;
    });
  }

  /** Downloads still open are abandoned: their rows come back after the lease, as after a crash. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    return http.close().transform(ar -> pool.close());
  }
}
