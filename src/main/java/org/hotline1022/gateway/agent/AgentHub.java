package org.hotline1022.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
  private final SessionCounts processSessions;
  /** Sessions served per event-loop turn: a big batch for many agents never blocks the loop for long. */
  private static final int SESSIONS_PER_TURN = 64;
  /** The HTTP idle timeout (120 s) would close quiet agent sockets; a ping is traffic. */
  private static final long PING_MS = 30_000;

  private final Set<AgentSession> sessions = new LinkedHashSet<>();
  private final ArrayDeque<FeedBatch> pending = new ArrayDeque<>();
  private List<AgentSession> round = List.of();
  private int roundIndex;
  private boolean delivering;
  private MessageConsumer<FeedBatch> consumer;
  private long pingTimer = -1;

  public AgentHub(Vertx vertx, AgentStore store, AgentCommands commands, StreamHead head, AgentsConfig config, GatewayMetrics metrics,
      SessionCounts processSessions) {
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
    pingTimer = vertx.setPeriodic(PING_MS, id -> sessions.forEach(AgentSession::ping));
    return consumer.completion();
  }

  private void onBatch(FeedBatch batch) {
    pending.add(batch);
    if (!delivering) {
      delivering = true;
      deliver();
    }
  }

  /**
   * Hands batches to the sessions in order, {@link #SESSIONS_PER_TURN} sessions per event-loop turn,
   * so intake requests on this loop are served between slices of a large fan-out.
   */
  private void deliver() {
    if (roundIndex >= round.size()) {
      if (current != null && !round.isEmpty()) {
        // every session of this loop has had the batch's frames written to its socket
        long now = System.currentTimeMillis();
        for (FeedEvent e : current.events()) {
          metrics.pushLatency(Math.max(0, now - e.atMillis()));
        }
      }
      current = null;
      FeedBatch next = takePending();
      if (next == null) {
        delivering = false;
        return;
      }
      round = new ArrayList<>(sessions);
      roundIndex = 0;
      current = next;
    }
    int end = Math.min(round.size(), roundIndex + SESSIONS_PER_TURN);
    for (; roundIndex < end; roundIndex++) {
      round.get(roundIndex).live(current);
    }
    vertx.getOrCreateContext().runOnContext(v -> deliver());
  }

  private FeedBatch current;

  /**
   * Every batch that arrived during the last round, as one: under load a socket gets one write per
   * round instead of one per feed read (each write is a system call, on loopback with the whole TCP
   * receive path in it); when quiet a batch goes out alone, as soon as it comes.
   */
  private FeedBatch takePending() {
    if (pending.size() <= 1) {
      return pending.poll();
    }
    List<FeedEvent> events = new ArrayList<>();
    for (FeedBatch b; (b = pending.poll()) != null; ) {
      events.addAll(b.events());
    }
    return FeedBatch.of(events);
  }

  void attach(ServerWebSocket ws, Agent agent) {
    AgentSession[] self = new AgentSession[1];
    self[0] = new AgentSession(vertx, ws, agent, store, commands, head, config, () -> {
      if (sessions.remove(self[0])) {
        processSessions.closed(agent);
      }
    });
    sessions.add(self[0]);
    processSessions.opened(agent);
    self[0].start();
  }

  /** Tells every client to reconnect elsewhere; the sockets close (1012). Returns how many were told. */
  public int shutdown() {
    List<AgentSession> all = List.copyOf(sessions);
    for (AgentSession s : all) {
      s.shutdown();
    }
    return all.size();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(pingTimer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
