package org.hotline1022.gateway.reply;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server playing the Graph API, the Zalo OA API, Zalo's OAuth v4 token endpoint and the
 * providers' media CDNs: the send endpoints succeed by default; the read endpoints (conversations,
 * recent chats) answer from {@link #reads} in the documented wire format; {@link #next} scripts the
 * following answers of a path (rate limit, window closed, token expired, malformed or huge bodies...).
 * Every request is recorded with its headers, query and body (form fields as a JSON object).
 * {@link #readDelayMs} slows the read endpoints, and {@link #maxReadsInFlight} tells how many read
 * requests were ever open at once.
 *
 * <p>With {@link #zaloTokens} the fake checks Zalo tokens like the real OA API: the consultation
 * endpoint accepts only the current access token ({@code -216} otherwise), and the token endpoint wants
 * the app secret in a {@code secret_key} header and a form with the current refresh token, which it
 * rotates (single use: a spent or unknown one is refused with an error envelope and HTTP 200).
 */
public final class ProviderFake implements AutoCloseable {
  public record Call(String path, Map<String, String> headers, JsonObject body, String query) {}

  public static final String GRAPH_PATH = "/v25.0/me/messages";
  public static final String ZALO_PATH = "/v3.0/oa/message/cs";
  public static final String OAUTH_PATH = "/v4/oa/access_token";

  private final Vertx vertx;
  private final HttpServer server;
  /** What a gateway needs to download media from a fake: its files are on 127.0.0.1, over http. */
  public static final Map<String, String> MEDIA_SETTINGS = Map.of("HOTLINE_MEDIA_ALLOWED_HOSTS_ZALO", "127.0.0.1",
      "HOTLINE_MEDIA_ALLOWED_HOSTS_FACEBOOK", "127.0.0.1", "HOTLINE_MEDIA_ALLOW_HTTP", "true", "HOTLINE_MEDIA_ALLOW_PRIVATE_ADDRESSES", "true");

  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public final ReadApiFake reads = new ReadApiFake();
  public volatile long readDelayMs;
  private final AtomicInteger readsInFlight = new AtomicInteger();
  private final AtomicInteger maxReadsInFlight = new AtomicInteger();
  private final Map<String, ConcurrentLinkedDeque<Object[]>> scripted = new ConcurrentHashMap<>();
  private final Map<String, Object[]> files = new ConcurrentHashMap<>();
  private final Map<String, String> redirects = new ConcurrentHashMap<>();
  private final AtomicInteger rotations = new AtomicInteger();
  private volatile String appSecret;
  private volatile String access;
  private volatile String refresh;

  public ProviderFake(Vertx vertx) {
    this.vertx = vertx;
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> answer(req, b)));
    server.listen(0, "127.0.0.1").await();
  }

  private void answer(HttpServerRequest req, Buffer b) {
    Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    req.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
    JsonObject body = req.path().equals(OAUTH_PATH) ? form(b) : json(b);
    calls.add(new Call(req.path(), headers, body, req.query()));
    Object[] answer = scripted.getOrDefault(req.path(), new ConcurrentLinkedDeque<>()).poll();
    if (answer != null && (Integer) answer[0] < 0) {
      answer = null; // scripted "answer as usual": lets a test break the second page, not the first
    }
    String location = answer == null ? redirects.get(req.path()) : null;
    if (location != null) {
      req.response().setStatusCode(302).putHeader("Location", location).end();
      return;
    }
    if (answer == null) {
      Object[] file = files.get(req.path());
      if (file != null) {
        req.response().putHeader("Content-Type", (String) file[0]).end(Buffer.buffer((byte[]) file[1]));
        return;
      }
    }
    if (answer == null && ReadApiFake.handles(req.path())) {
      answer = new Object[] {200, reads.answer(req.path(), req.params())};
    }
    if (answer == null) {
      JsonObject json;
      if (req.path().equals(OAUTH_PATH)) {
        json = oauth(headers, body);
      } else if (req.path().equals(ZALO_PATH)) {
        json = appSecret != null && (access == null || !access.equals(headers.get("access_token"))) ? zaloError(-216)
            : new JsonObject().put("error", 0).put("message", "Success").put("data", new JsonObject().put("message_id", "z" + calls.size()));
      } else {
        json = new JsonObject().put("recipient_id", body.getJsonObject("recipient", new JsonObject()).getString("id"))
            .put("message_id", "m_" + calls.size());
      }
      answer = new Object[] {200, json};
    }
    if (ReadApiFake.handles(req.path()) && readDelayMs > 0) {
      int now = readsInFlight.incrementAndGet();
      maxReadsInFlight.accumulateAndGet(now, Math::max);
      Object[] a = answer;
      vertx.setTimer(readDelayMs, t -> {
        readsInFlight.decrementAndGet();
        respond(req, a);
      });
    } else {
      respond(req, answer);
    }
  }

  private static void respond(HttpServerRequest req, Object[] answer) {
    Object body = answer[1];
    req.response().setStatusCode((Integer) answer[0]).putHeader("Content-Type", "application/json")
        .end(body instanceof JsonObject j ? j.encode() : String.valueOf(body));
  }

  private synchronized JsonObject oauth(Map<String, String> headers, JsonObject form) {
    if (appSecret == null || !appSecret.equals(headers.get("secret_key"))) {
      return new JsonObject().put("error", -14002).put("error_name", "Invalid secret key").put("error_description", "fake");
    }
    if (!"refresh_token".equals(form.getString("grant_type")) || refresh == null || !refresh.equals(form.getString("refresh_token"))) {
      return new JsonObject().put("error", -14014).put("error_name", "Invalid refresh token").put("error_description", "fake");
    }
    int n = rotations.incrementAndGet();
    access = "fake-access-" + n;
    refresh = "fake-refresh-" + n;
    return new JsonObject().put("access_token", access).put("refresh_token", refresh).put("expires_in", "90000");
  }

  private static JsonObject json(Buffer b) {
    try {
      return b.toJsonObject();
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static JsonObject form(Buffer b) {
    JsonObject out = new JsonObject();
    for (String pair : b.toString(StandardCharsets.UTF_8).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The next answer on {@code path}. */
  public ProviderFake next(String path, int status, JsonObject body) {
    return nextRaw(path, status, body);
  }

  /** The next answer on {@code path} with a body sent as is (a String), e.g. broken JSON. */
  public ProviderFake nextRaw(String path, int status, Object body) {
    scripted.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).add(new Object[] {status, body});
    return this;
  }

  /** The next call on {@code path} is answered as usual (to script the one after it). */
  public ProviderFake nextAsUsual(String path) {
    return nextRaw(path, -1, null);
  }

  /** Serves {@code bytes} at {@code path} (after any scripted answers); returns the URL. */
  public String file(String path, String contentType, byte[] bytes) {
    files.put(path, new Object[] {contentType, bytes});
    return baseUrl() + path;
  }

  /** Answers {@code path} with a 302 to {@code location} (after any scripted answers); returns the URL of {@code path}. */
  public String redirect(String path, String location) {
    redirects.put(path, location);
    return baseUrl() + path;
  }

  /** Checks Zalo tokens from now on: {@code access} is valid, {@code refresh} may be spent once; the app secret is required. */
  public ProviderFake zaloTokens(String appSecret, String access, String refresh) {
    this.appSecret = appSecret;
    this.access = access;
    this.refresh = refresh;
    return this;
  }

  /** The current access token stops working (as after its 25 h). */
  public void expireAccessToken() {
    access = null;
  }

  /** Most read requests ever answered concurrently (with {@link #readDelayMs} set). */
  public int maxReadsInFlight() {
    return maxReadsInFlight.get();
  }

  /** Calls made to {@code path}. */
  public long count(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).count();
  }

  /** Requests made to {@code path}. */
  public List<Call> calls(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  public static JsonObject graphError(int code, int subcode) {
    return new JsonObject().put("error", new JsonObject().put("message", "fake").put("type", "OAuthException").put("code", code)
        .put("error_subcode", subcode).put("fbtrace_id", "Afake"));
  }

  public static JsonObject zaloError(int error) {
    return new JsonObject().put("error", error).put("message", "fake");
  }

  @Override
  public void close() {
    server.close().await();
  }
}
