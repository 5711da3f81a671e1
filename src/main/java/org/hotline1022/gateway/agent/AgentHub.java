package org.hotline1022.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.config.AgentsConfig;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.hotline1022.gateway.store.AgentStore;
import org.hotline1022.gateway.stream.FeedBatch;
import org.hotline1022.gateway.stream.FeedEvent;
import org.hotline1022.gateway.stream.StreamHead;

/**
 * The agent sessions of one HTTP verticle instance (one event loop), fed by the process's event
 * feed. Each session filters and writes on its own; one slow socket never holds up the loop.
 */
public final class AgentHub {
  private final Vertx vertx;
  private final AgentStore store;
  private final AgentCommands commands;
  private final StreamHead head;
  private final AgentsConfig config;
  private final GatewayMetrics metrics;
  private final AtomicInteger processSessions;
  private final Set<AgentSession> sessions = new LinkedHashSet<>();
  private MessageConsumer<FeedBatch> consumer;

  public AgentHub(Vertx vertx, AgentStore store, AgentCommands commands, StreamHead head, AgentsConfig config, GatewayMetrics metrics,
      AtomicInteger processSessions) {
    this.vertx = vertx;
    this.store = store;
    this.commands = commands;
    this.head = head;
    this.config = config;
    this.metrics = metrics;
    this.processSessions = processSessions;
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().localConsumer(FeedBatch.ADDRESS, msg -> onBatch(msg.body()));
    return consumer.completion();
  }

  private void onBatch(FeedBatch batch) {
    long now = System.currentTimeMillis();
    for (FeedEvent e : batch.events()) {
      metrics.pushLatency(Math.max(0, now - e.atMillis()));
    }
    for (AgentSession s : List.copyOf(sessions)) {
      s.live(batch);
    }
  }

  void attach(ServerWebSocket ws, Agent agent) {
    AgentSession[] self = new AgentSession[1];
    self[0] = new AgentSession(ws, agent, store, commands, head, config, () -> {
      if (sessions.remove(self[0])) {
        processSessions.decrementAndGet();
      }
    });
    sessions.add(self[0]);
    processSessions.incrementAndGet();
    self[0].start();
  }

  /** Tells every client to reconnect elsewhere; the sockets close. */
  public void shutdown() {
    for (AgentSession s : List.copyOf(sessions)) {
      s.shutdown();
    }
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
