package org.hotline1022.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relay in front of a gateway for the console's browser test: HTTP and {@code /agent/ws} pass
 * through unchanged until {@link #hold()}; from then on the events the gateway sends are held back
 * (as by a server whose write queue for a slow client overflowed), and {@link #lag()} tells each
 * console {@code lagged} and closes its socket (4008), exactly the frames the gateway sends a client
 * that fell behind. Needed because a real Chromium did not stop reading its socket long enough for
 * the gateway's own lag condition to fire in a test (its socket buffers may grow to tens of MB). The
 * {@code lagged} seq is the newest seq the relay saw, beyond what the console received: the console
 * must resume from what it applied, not from that number.
 */
final class LagRelay implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient http;
  private final WebSocketClient wsClient;
  private final int target;
  private final Set<ServerWebSocket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong newestSeq = new AtomicLong();
  private final AtomicLong heldBack = new AtomicLong();
  private volatile boolean holding;

  private LagRelay(Vertx vertx, int target) {
    this.target = target;
    this.http = vertx.createHttpClient();
    this.wsClient = vertx.createWebSocketClient();
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static LagRelay start(Vertx vertx, int targetPort) {
    LagRelay r = new LagRelay(vertx, targetPort);
    r.server.listen(0, "127.0.0.1").await();
    return r;
  }

  int port() {
    return server.actualPort();
  }

  /** From now on, events from the gateway do not reach the consoles. */
  void hold() {
    holding = true;
  }

  /** How many events were held back so far. */
  long heldBack() {
    return heldBack.get();
  }

  /** Tells every console it lagged (with the newest seq seen) and closes its socket; then passes everything again. */
  void lag() {
    for (ServerWebSocket ws : sockets) {
      ws.writeTextMessage(new JsonObject().put("type", "lagged").put("seq", newestSeq.get()).encode())
          .compose(v -> ws.close((short) 4008, "lagged"));
    }
    holding = false;
  }

  private void handle(HttpServerRequest req) {
    if (req.canUpgradeToWebSocket()) {
      // accepted at once (an upgrade must not wait), then joined to the gateway; refused there, the
      // console sees a socket closed before hello, as when the gateway refuses it, and asks REST why
      req.toWebSocket().onSuccess(ws -> {
        ws.pause();
        wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(target).setURI(req.uri()))
            .onSuccess(up -> pipe(ws, up))
            .onFailure(e -> ws.close());
      });
      return;
    }
    req.body().compose(body -> {
      RequestOptions o = new RequestOptions().setMethod(req.method()).setHost("127.0.0.1").setPort(target).setURI(req.uri());
      req.headers().forEach((k, v) -> {
        if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
          o.addHeader(k, v);
        }
      });
      return http.request(o).compose(creq -> creq.send(body)).compose(resp -> resp.body().map(b -> {
        copy(resp, req);
        req.response().end(b);
        return (Void) null;
      }));
    }).onFailure(e -> {
      if (!req.response().ended()) {
        req.response().setStatusCode(502).end();
      }
    });
  }

  private static void copy(HttpClientResponse from, HttpServerRequest to) {
    to.response().setStatusCode(from.statusCode());
    from.headers().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("transfer-encoding") && !k.equalsIgnoreCase("connection")) {
        to.response().headers().add(k, v);
      }
    });
  }

  private void pipe(ServerWebSocket ws, WebSocket up) {
    sockets.add(ws);
    up.textMessageHandler(t -> {
      JsonObject f = new JsonObject(t);
      Long seq = f.getValue("seq") instanceof Number n ? n.longValue() : null;
      boolean event = seq != null && f.getString("type", "").contains(".");
      if (seq != null) {
        newestSeq.accumulateAndGet(seq, Math::max);
      }
      if (holding && event) {
        heldBack.incrementAndGet();
      } else if (!ws.isClosed()) {
        ws.writeTextMessage(t);
      }
    });
    ws.textMessageHandler(t -> up.writeTextMessage(t));
    ws.resume();
    up.closeHandler(v -> {
      if (!ws.isClosed()) {
        ws.close();
      }
    });
    ws.closeHandler(v -> {
      sockets.remove(ws);
      if (!up.isClosed()) {
        up.close();
      }
    });
  }

  @Override
  public void close() {
    Future.join(server.close(), http.close(), wsClient.close()).await();
  }
}
