package org.hotline1022.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A test agent on {@code /agent/ws}: every frame it receives lands in a queue the test reads. */
public final class AgentClient implements AutoCloseable {
  public final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  public final WebSocket ws;
  private final WebSocketClient client;
  private volatile boolean closed;
  private int ids;

  private AgentClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.closeHandler(v -> closed = true);
  }

  public static AgentClient connect(Vertx vertx, int port, String token) {
    WebSocketClient client = vertx.createWebSocketClient();
    // handlers go on in the completion callback, on the socket's event loop: installed from the test
    // thread instead, the server's first frame (hello) could arrive before them and be lost
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/agent/ws?access_token=" + token)).map(ws -> new AgentClient(client, ws)).await();
  }

  public boolean isClosed() {
    return closed;
  }

  /** Sends a command with a fresh id and returns that id. */
  public String send(JsonObject command) {
    String id = "c" + (++ids);
    ws.writeTextMessage(command.copy().put("id", id).encode()).await();
    return id;
  }

  /** The next frame matching {@code p}, skipping others; fails after the timeout. */
  public JsonObject next(Predicate<JsonObject> p, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        JsonObject f = frames.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no matching frame within " + timeout);
        }
        if (p.test(f)) {
          return f;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public JsonObject next(String type) {
    return next(f -> type.equals(f.getString("type")), Duration.ofSeconds(10));
  }

  /** The reply to command {@code id}: its ack or error. */
  public JsonObject answer(String id) {
    return next(f -> id.equals(f.getString("id")), Duration.ofSeconds(10));
  }

  /** Every event frame (one with a seq, not a control frame) received within {@code wait}. */
  public List<JsonObject> events(int expected, Duration wait) {
    List<JsonObject> out = new ArrayList<>();
    long end = System.nanoTime() + wait.toNanos();
    while (out.size() < expected && System.nanoTime() < end) {
      try {
        JsonObject f = frames.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (f != null && f.getString("type").contains(".") && !f.getString("type").equals("replay.done")) {
          out.add(f);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (!closed) {
      ws.close().otherwiseEmpty().await();
    }
    client.close().await();
  }
}
