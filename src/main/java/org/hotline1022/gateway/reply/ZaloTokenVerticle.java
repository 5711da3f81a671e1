package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.MultiMap;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.config.ZaloTokenConfig;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.reply.SocialMetrics.TokenOutcome;
import org.hotline1022.gateway.store.DbEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Zalo OA access token in Postgres ({@code oauth_token}, one row per app id) and refreshes
 * it with the single-use refresh token (channels.md §1.7). A refresh locks the row
 * ({@code SELECT ... FOR UPDATE}) for the whole exchange and stores the new pair in the same
 * transaction: two processes never spend the same refresh token (the second waits, then finds the new
 * pair and uses it), and a crash before the commit leaves the old pair in place. Refreshes happen
 * ahead of expiry (a check every {@code tokenCheckSeconds}) and when Zalo refuses a token.
 *
 * <p>A refused refresh token is recorded ({@code rejected_at}): from then on every request fails at
 * once, permanent {@code token_refresh_rejected}, without calling Zalo again, until a new
 * {@code HOTLINE_ZALO_REFRESH_TOKEN} is deployed. A transient failure blocks refreshes for
 * {@code tokenRetrySeconds} in every process. Senders ask over the local event bus
 * ({@link #source()}); all state is confined to this verticle's event loop. Tokens are never logged.
 */
public final class ZaloTokenVerticle extends VerticleBase {
  public static final String ADDRESS = "hotline.zalo.token";
  static final String PROVIDER = "zalo";
  private static final String DETAIL = "zalo.token";
  private static final int PERMANENT = 1;
  private static final int RETRYABLE = 2;
  private static final Logger LOG = LoggerFactory.getLogger(ZaloTokenVerticle.class);

  private static final String COLUMNS = "access_token, refresh_token, expires_at, rejected_at, retry_at";
  private static final String SELECT = "select " + COLUMNS + " from oauth_token where provider = $1 and account = $2";
  // First run, or a refresh token an admin deployed after authorising again: adopted only if never
  // adopted before, so a process restarted with an old environment (a rolling deploy) cannot bring back
  // a spent token over the rotated pair.
  private static final String BOOTSTRAP = """
      insert into oauth_token (provider, account, access_token, refresh_token, expires_at, seeds_seen)
      values ($1, $2, $3, $4, null, array[$5::text])
      on conflict (provider, account) do update
        set access_token = excluded.access_token, refresh_token = excluded.refresh_token, expires_at = null,
            seeds_seen = oauth_token.seeds_seen || excluded.seeds_seen, rejected_at = null, retry_at = null, last_error = null,
            updated_at = now()
        where not (excluded.seeds_seen[1] = any(oauth_token.seeds_seen))
      returning provider""";
  private static final String STORE = """
      update oauth_token set access_token = $3, refresh_token = $4, expires_at = now() + $5::bigint * interval '1 second',
                             refreshed_at = now(), rejected_at = null, retry_at = null, last_error = null, updated_at = now()
      where provider = $1 and account = $2""";
  // an access token Zalo just refused is dropped too, so later replies fail without calling Zalo at all
  private static final String REJECT = """
      update oauth_token set rejected_at = now(), last_error = $3, updated_at = now(),
                             access_token = case when $4 then null else access_token end
      where provider = $1 and account = $2""";
  private static final String POSTPONE = """
      update oauth_token set retry_at = now() + $3::int * interval '1 second', last_error = $4, updated_at = now()
      where provider = $1 and account = $2""";

  private final DbEndpoint db;
  private final WebhookConfig webhooks;
  private final ZaloTokenConfig config;
  private final SocialMetrics metrics;
  private final Readiness readiness;
  private Pool pool;
  private WebClient client;
  private MessageConsumer<String> consumer;
  private long timerId = -1;
  private Stored cached;
  private Future<String> inFlight;

  /** @param readiness gets the detail {@code zalo.token} (ok, refresh_rejected, ...); it never makes the process unready */
  public ZaloTokenVerticle(DbEndpoint db, WebhookConfig webhooks, ZaloTokenConfig config, SocialMetrics metrics, Readiness readiness) {
    this.db = db;
    this.webhooks = webhooks;
    this.config = config;
    this.metrics = metrics;
    this.readiness = readiness;
  }

  private void state(String value) {
    readiness.detail(DETAIL, value);
  }

  /** The token source for {@link ZaloReplySender}: asks this verticle over the local event bus of the caller's Vert.x. */
  public static ZaloReplySender.TokenSource source(ZaloTokenConfig config) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.timeoutMs() * 3L + 5000);
    return stale -> Vertx.currentContext().owner().eventBus().<String>request(ADDRESS, stale == null ? "" : stale, options)
        .map(Message::body)
        .recover(e -> Future.failedFuture(e instanceof ReplyException re && re.failureCode() == PERMANENT
            ? DeliveryException.permanent(re.getMessage(), "Zalo OA token: " + re.getMessage())
            : DeliveryException.retryable(e instanceof ReplyException re2 && re2.failureCode() == RETRYABLE ? re2.getMessage()
                : "token_unavailable", "Zalo OA token: " + e.getMessage())));
  }

  private boolean configured() {
    return !webhooks.zaloAppId().isEmpty() && !webhooks.zaloAppSecret().isEmpty();
  }

  @Override
  public Future<?> start() {
    if (!configured()) {
      LOG.warn("Zalo replies cannot be sent: HOTLINE_ZALO_APP_ID and HOTLINE_ZALO_APP_SECRET are needed for the OA access token");
      state("not_configured: HOTLINE_ZALO_APP_ID and HOTLINE_ZALO_APP_SECRET are needed");
      consumer = vertx.eventBus().localConsumer(ADDRESS,
          m -> m.fail(PERMANENT, "no_access_token"));
      return consumer.completion();
    }
    pool = db.pool(vertx, "hotline-zalo-token", 2, false);
    client = WebClient.create(vertx);
    return bootstrap().compose(v -> {
      consumer = vertx.eventBus().localConsumer(ADDRESS, this::handle);
      timerId = vertx.setPeriodic(config.checkSeconds() * 1000L, id -> checkAhead());
      return consumer.completion();
    });
  }

  private Future<Void> bootstrap() {
    if (webhooks.zaloRefreshToken().isEmpty()) {
      return Future.succeededFuture();
    }
    String access = config.bootstrapAccessToken().isEmpty() ? null : config.bootstrapAccessToken();
    return pool.preparedQuery(BOOTSTRAP).execute(Tuple.of(PROVIDER, webhooks.zaloAppId(), access, webhooks.zaloRefreshToken(),
            sha256(webhooks.zaloRefreshToken())))
        .map(rows -> {
          if (rows.size() > 0) {
            LOG.info("Zalo OA refresh token taken from the environment [appId: {}]", webhooks.zaloAppId());
          }
          return null;
        });
  }

  private void handle(Message<String> m) {
    token(m.body() == null || m.body().isEmpty() ? null : m.body()).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else {
        DeliveryException e = DeliveryException.of(ar.cause());
        m.fail(e.permanent() ? PERMANENT : RETRYABLE, e.code());
      }
    });
  }

  /** What a caller needs: a token other than {@code stale}, with at least {@code aheadMs} left, or any known one when unknownIsDue is false. */
  private record Need(String stale, long aheadMs, boolean unknownIsDue) {}

  private Future<String> token(String stale) {
    Need need = new Need(stale, stale == null ? config.refreshAheadMinutes() * 60_000L : 0, false);
    if (cached != null && cached.usable(need, Instant.now())) {
      return Future.succeededFuture(cached.access);
    }
    if (inFlight != null) {
      // after the running look-up or refresh, decide again with what it found
      return inFlight.transform(ar -> token(stale));
    }
    return run(need);
  }

  /** The periodic check: refreshes a token that is within the lead time, or of unknown age. */
  private void checkAhead() {
    if (inFlight != null) {
      return;
    }
    run(new Need(null, config.refreshAheadMinutes() * 60_000L, true))
        .onFailure(e -> LOG.warn("Zalo OA token check failed [code: {}]", DeliveryException.of(e).code()));
  }

  private Future<String> run(Need need) {
    Future<String> f = load(need);
    inFlight = f;
    return f.andThen(ar -> inFlight = null);
  }

  private Future<String> load(Need need) {
    return pool.preparedQuery(SELECT).execute(Tuple.of(PROVIDER, webhooks.zaloAppId()))
        .compose(rows -> {
          Stored s = rows.size() == 0 ? null : Stored.of(rows.iterator().next());
          Decision d = decide(s, need);
          return d == Decision.REFRESH ? refresh(need) : settle(d, s, need);
        });
  }

  private enum Decision { USE, REFRESH, WAIT, REJECTED, NONE }

  private static Decision decide(Stored s, Need need) {
    Instant now = Instant.now();
    if (s == null) {
      return Decision.NONE;
    }
    if (s.usable(need, now)) {
      return Decision.USE;
    }
    if (s.rejectedAt != null) {
      return Decision.REJECTED;
    }
    if (s.retryAt != null && s.retryAt.isAfter(now)) {
      return Decision.WAIT;
    }
    return Decision.REFRESH;
  }

  private Future<String> settle(Decision d, Stored s, Need need) {
    return switch (d) {
      case USE -> {
        cached = s;
        state(s.rejectedAt == null ? "ok" : "refresh_rejected: using the access token until it expires");
        yield Future.succeededFuture(s.access);
      }
      case WAIT -> {
        // a still valid token beats none while refreshes are postponed (not the one Zalo just refused)
        if (s.access != null && !s.access.equals(need.stale()) && (s.expiresAt == null || s.expiresAt.isAfter(Instant.now()))) {
          cached = s;
          yield Future.succeededFuture(s.access);
        }
        state("refresh_postponed: the last refresh failed");
        yield Future.failedFuture(DeliveryException.retryable("token_unavailable", "Zalo OA token refresh postponed"));
      }
      case REJECTED -> {
        state("refresh_rejected: an OA admin must authorise the app again and deploy HOTLINE_ZALO_REFRESH_TOKEN");
        yield Future.failedFuture(DeliveryException.permanent("token_refresh_rejected",
            "Zalo refused the OA refresh token: an OA admin must authorise the app again"));
      }
      case NONE -> {
        state("no_refresh_token: set HOTLINE_ZALO_REFRESH_TOKEN");
        yield Future.failedFuture(DeliveryException.permanent("no_access_token", "no Zalo OA refresh token: set HOTLINE_ZALO_REFRESH_TOKEN"));
      }
      case REFRESH -> throw new IllegalStateException();
    };
  }

  /** Under the row lock: decide again (another process may have refreshed meanwhile), exchange, store, all in one transaction. */
  private Future<String> refresh(Need need) {
    long lockWaitMs = config.timeoutMs() * 2L + 5000;
    return pool.withTransaction(conn -> conn.query("set local lock_timeout = " + lockWaitMs).execute()
            .compose(v -> conn.preparedQuery(SELECT + " for update").execute(Tuple.of(PROVIDER, webhooks.zaloAppId())))
            .compose(rows -> {
              Stored s = rows.size() == 0 ? null : Stored.of(rows.iterator().next());
              Decision d = decide(s, need);
              if (d != Decision.REFRESH) {
                return Future.succeededFuture(new Result(d, s, null, need));
              }
              boolean accessRefused = need.stale() != null && need.stale().equals(s.access);
              return exchange(s.refresh).compose(x -> record(conn, x, accessRefused, need));
            }))
        .compose(this::afterCommit);
  }

  /** What the provider said to one refresh-token exchange. */
  private record Exchange(TokenOutcome outcome, String access, String refresh, long expiresIn, String error) {}

  private record Result(Decision decision, Stored stored, Exchange exchange, Need need) {}

  private Future<Exchange> exchange(String refreshToken) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("refresh_token", refreshToken).add("app_id", webhooks.zaloAppId())
        .add("grant_type", "refresh_token");
    return client.postAbs(webhooks.zaloOauthBaseUrl() + "/v4/oa/access_token").putHeader("secret_key", webhooks.zaloAppSecret())
        .timeout(config.timeoutMs()).sendForm(form)
        .map(ZaloTokenVerticle::exchangeOutcome)
        .otherwise(e -> new Exchange(TokenOutcome.FAILED, null, null, 0, "unreachable: " + e.getClass().getSimpleName()));
  }

  /** Errors may come with HTTP 200 (channels.md §1.7): no access token in a readable answer means refused. */
  static Exchange exchangeOutcome(HttpResponse<Buffer> r) {
    if (r.statusCode() == 429 || r.statusCode() >= 500) {
      return new Exchange(TokenOutcome.FAILED, null, null, 0, "HTTP " + r.statusCode());
    }
    JsonObject b;
    try {
      b = r.bodyAsJsonObject();
    } catch (RuntimeException notJson) {
      b = null;
    }
    if (b == null) {
      return new Exchange(TokenOutcome.FAILED, null, null, 0, "HTTP " + r.statusCode() + " without JSON");
    }
    String access = b.getValue("access_token") instanceof String a && !a.isBlank() ? a : null;
    String refresh = b.getValue("refresh_token") instanceof String f && !f.isBlank() ? f : null;
    if (access == null || refresh == null) {
      String why = "HTTP " + r.statusCode() + " error " + b.getValue("error") + " " + shorten(b.getValue("error_name")) + " "
          + shorten(b.getValue("error_description"));
      return new Exchange(TokenOutcome.REJECTED, null, null, 0, why);
    }
    long expiresIn;
    try {
      expiresIn = Long.parseLong(String.valueOf(b.getValue("expires_in")).strip());
    } catch (NumberFormatException e) {
      expiresIn = 90_000; // 25 h, the documented lifetime
    }
    return new Exchange(TokenOutcome.REFRESHED, access, refresh, Math.max(60, Math.min(expiresIn, 30L * 86_400)), null);
  }

  private Future<Result> record(SqlConnection conn, Exchange x, boolean accessRefused, Need need) {
    Tuple key = Tuple.of(PROVIDER, webhooks.zaloAppId());
    Future<?> write = switch (x.outcome()) {
      case REFRESHED -> conn.preparedQuery(STORE).execute(key.addString(x.access()).addString(x.refresh()).addLong(x.expiresIn()));
      case REJECTED -> conn.preparedQuery(REJECT).execute(key.addString(x.error()).addBoolean(accessRefused));
      case FAILED -> conn.preparedQuery(POSTPONE).execute(key.addInteger(config.retrySeconds()).addString(x.error()));
    };
    return write.map(v -> new Result(Decision.REFRESH, null, x, need)).onFailure(e -> {
      if (x.outcome() == TokenOutcome.REFRESHED) {
        // Zalo has spent the old refresh token; if this commit is lost, an admin must authorise again
        LOG.error("cannot store the new Zalo OA token pair [appId: {}, cause: {}]", webhooks.zaloAppId(), e.toString());
      }
    });
  }

  private Future<String> afterCommit(Result r) {
    if (r.exchange() == null) {
      return settle(r.decision(), r.stored(), r.need());
    }
    Exchange x = r.exchange();
    metrics.tokenRefresh(PROVIDER, x.outcome());
    return switch (x.outcome()) {
      case REFRESHED -> {
        cached = new Stored(x.access(), x.refresh(), Instant.now().plusSeconds(x.expiresIn()), null, null);
        LOG.info("Zalo OA access token refreshed [appId: {}, expiresInSeconds: {}]", webhooks.zaloAppId(), x.expiresIn());
        state("ok");
        yield Future.succeededFuture(x.access());
      }
      case REJECTED -> {
        cached = null;
        LOG.error("Zalo refused the OA refresh token; Zalo replies fail until an OA admin authorises the app again and a new "
            + "HOTLINE_ZALO_REFRESH_TOKEN is deployed [appId: {}, answer: {}]", webhooks.zaloAppId(), x.error());
        yield settle(Decision.REJECTED, null, r.need());
      }
      case FAILED -> {
        LOG.warn("Zalo OA token refresh failed, retried in {} s [appId: {}, cause: {}]", config.retrySeconds(), webhooks.zaloAppId(),
            x.error());
        state("refresh_postponed: the last refresh failed");
        yield Future.failedFuture(DeliveryException.retryable("token_unavailable", "Zalo OA token refresh failed: " + x.error()));
      }
    };
  }

  /** The stored row. */
  private record Stored(String access, String refresh, Instant expiresAt, Instant rejectedAt, Instant retryAt) {
    static Stored of(Row r) {
      return new Stored(r.getString("access_token"), r.getString("refresh_token"), instant(r.getOffsetDateTime("expires_at")),
          instant(r.getOffsetDateTime("rejected_at")), instant(r.getOffsetDateTime("retry_at")));
    }

    /** A token other than the stale one, valid long enough; an unknown expiry counts as valid unless the need says otherwise. */
    boolean usable(Need need, Instant now) {
      if (access == null || access.equals(need.stale())) {
        return false;
      }
      if (expiresAt == null) {
        return !need.unknownIsDue();
      }
      return expiresAt.isAfter(now.plusMillis(need.aheadMs()));
    }
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static String shorten(Object o) {
    String s = o == null ? "" : String.valueOf(o);
    return s.length() > 200 ? s.substring(0, 200) : s;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.transform(ar -> pool == null ? Future.succeededFuture() : pool.close())
        .andThen(ar -> {
          if (client != null) {
            client.close();
          }
        });
  }
}
