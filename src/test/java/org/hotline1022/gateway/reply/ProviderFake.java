package org.hotline1022.gateway.reply;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server playing the Graph API and the Zalo OA API: the send endpoints succeed by
 * default; the read endpoints (conversations, recent chats) answer from {@link #reads} in the
 * documented wire format; {@link #next} scripts the following answers of a path (rate limit, window
 * closed, token expired, malformed or huge bodies...). Every request is recorded with its headers,
 * query and body. {@link #readDelayMs} slows the read endpoints, and {@link #maxReadsInFlight} tells
 * how many read requests were ever open at once.
 */
public final class ProviderFake implements AutoCloseable {
  public record Call(String path, Map<String, String> headers, JsonObject body, String query) {}

  public static final String GRAPH_PATH = "/v25.0/me/messages";
  public static final String ZALO_PATH = "/v3.0/oa/message/cs";

  private final Vertx vertx;
  private final HttpServer server;
  public final List<Call> calls = new CopyOnWriteArrayList<>();
  public final ReadApiFake reads = new ReadApiFake();
  public volatile long readDelayMs;
  private final AtomicInteger readsInFlight = new AtomicInteger();
  private final AtomicInteger maxReadsInFlight = new AtomicInteger();
  private final Map<String, ConcurrentLinkedDeque<Object[]>> scripted = new ConcurrentHashMap<>();

  public ProviderFake(Vertx vertx) {
    this.vertx = vertx;
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      req.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
      JsonObject body;
      try {
        body = b.toJsonObject();
      } catch (RuntimeException e) {
        body = new JsonObject();
      }
      calls.add(new Call(req.path(), headers, body, req.query()));
      Object[] answer = scripted.getOrDefault(req.path(), new ConcurrentLinkedDeque<>()).poll();
      if (answer != null && (Integer) answer[0] < 0) {
        answer = null; // scripted "answer as usual": lets a test break the second page, not the first
      }
      if (answer == null && ReadApiFake.handles(req.path())) {
        answer = new Object[] {200, reads.answer(req.path(), req.params())};
      }
      if (answer == null) {
        answer = req.path().equals(ZALO_PATH)
            ? new Object[] {200, new JsonObject().put("error", 0).put("message", "Success").put("data", new JsonObject().put("message_id", "z" + calls.size()))}
            : new Object[] {200, new JsonObject().put("recipient_id", body.getJsonObject("recipient", new JsonObject()).getString("id"))
                .put("message_id", "m_" + calls.size())};
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
    }));
    server.listen(0, "127.0.0.1").await();
  }

  private static void respond(HttpServerRequest req, Object[] answer) {
    Object body = answer[1];
    req.response().setStatusCode((Integer) answer[0]).putHeader("Content-Type", "application/json")
        .end(body instanceof JsonObject j ? j.encode() : String.valueOf(body));
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

  /** Most read requests ever answered concurrently (with {@link #readDelayMs} set). */
  public int maxReadsInFlight() {
    return maxReadsInFlight.get();
  }

  /** Calls made to {@code path}. */
  public long count(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).count();
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
