package org.hotline1022.gateway.reply;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * A local HTTP server playing the Graph Send API and the Zalo OA API: by default each call
 * succeeds; {@link #next} scripts the following answers of a path (rate limit, window closed,
 * token expired...). Every request is recorded with its headers and body.
 */
public final class ProviderFake implements AutoCloseable {
  public record Call(String path, Map<String, String> headers, JsonObject body) {}

  public static final String GRAPH_PATH = "/v25.0/me/messages";
  public static final String ZALO_PATH = "/v3.0/oa/message/cs";

  private final HttpServer server;
  public final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, ConcurrentLinkedDeque<Object[]>> scripted = new ConcurrentHashMap<>();

  public ProviderFake(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      req.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
      JsonObject body;
      try {
        body = b.toJsonObject();
      } catch (RuntimeException e) {
        body = new JsonObject();
      }
      calls.add(new Call(req.path(), headers, body));
      Object[] answer = scripted.getOrDefault(req.path(), new ConcurrentLinkedDeque<>()).poll();
      if (answer == null) {
        answer = req.path().equals(ZALO_PATH)
            ? new Object[] {200, new JsonObject().put("error", 0).put("message", "Success").put("data", new JsonObject().put("message_id", "z" + calls.size()))}
            : new Object[] {200, new JsonObject().put("recipient_id", body.getJsonObject("recipient", new JsonObject()).getString("id"))
                .put("message_id", "m_" + calls.size())};
      }
      req.response().setStatusCode((Integer) answer[0]).putHeader("Content-Type", "application/json").end(((JsonObject) answer[1]).encode());
    }));
    server.listen(0, "127.0.0.1").await();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The next answer on {@code path}. */
  public ProviderFake next(String path, int status, JsonObject body) {
    scripted.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).add(new Object[] {status, body});
    return this;
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
