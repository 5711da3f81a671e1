package org.hotline1022.gateway.agent;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import org.hotline1022.gateway.config.AgentsConfig;
import org.hotline1022.gateway.store.AgentStore;
import org.hotline1022.gateway.store.CommandException;
import org.hotline1022.gateway.stream.FeedBatch;
import org.hotline1022.gateway.stream.FeedEvent;
import org.hotline1022.gateway.stream.StreamHead;
import org.hotline1022.gateway.stream.WireFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's WebSocket. Events go out in strictly increasing seq, never twice: {@code cursor} is
 * the last seq handled. A {@code since} replay reads the log page by page (respecting the socket's
 * back-pressure) while live batches wait in a bounded buffer; then the buffer is drained past the
 * cursor. A live client whose write queue fills is told it lagged and disconnected, so it never
 * slows the others. Confined to the event loop of the verticle that accepted it.
 */
final class AgentSession {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

  private enum State { IDLE, REPLAYING, LIVE, CLOSED }

  private static final long DRAIN_POLL_MS = 10;

  private final Vertx vertx;
  private final ServerWebSocket ws;
  /** The socket's channel, for writing shared frame bytes without a flush each (null: not available). */
  private final ChannelHandlerContext channel;
  private boolean unflushed;
  private final Agent agent;
  private final AgentStore store;
  private final AgentCommands commands;
  private final StreamHead head;
  private final AgentsConfig config;
  private final Runnable onClose;
  private final ArrayDeque<FeedEvent> buffer = new ArrayDeque<>();
  private State state = State.IDLE;
  private Subscription subscription = Subscription.ALL;
  private long cursor;
  private int generation;
  private long expiryTimer = -1;

  AgentSession(Vertx vertx, ServerWebSocket ws, Agent agent, AgentStore store, AgentCommands commands, StreamHead head, AgentsConfig config,
      Runnable onClose) {
    this.vertx = vertx;
    this.ws = ws;
    this.channel = ws instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
    if (channel == null) {
      // works, at several times the CPU per frame: a socket from a wrapped request (see AgentRoutes)
      LOG.warn("agent socket without channel access; frames are encoded per socket [agent: {}]", agent.sub());
    }
    this.agent = agent;
    this.store = store;
    this.commands = commands;
    this.head = head;
    this.config = config;
    this.onClose = onClose;
  }

  void start() {
    if (agent.expiresAt() != null) {
      // the handshake checked the token once; a socket must not outlive it
      expiryTimer = vertx.setTimer(Math.max(1, agent.expiresAt().toEpochMilli() - System.currentTimeMillis()), id -> expired());
    }
    ws.setWriteQueueMaxSize(config.writeQueueBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> error(null, "bad_request", "send JSON text frames"));
    ws.closeHandler(v -> closed());
    ws.exceptionHandler(e -> LOG.debug("agent socket error [agent: {}]", agent.sub(), e));
    send(new JsonObject().put("type", "hello").put("seq", head.delivered()).put("at", Instant.now().toString())
        .put("agent", agent.toJson()));
  }

  Agent agent() {
    return agent;
  }

  /** A batch from the event feed (this event loop). */
  void live(FeedBatch batch) {
    if (ws.isClosed()) {
      return; // closed during this fan-out round; its close handler has not run yet
    }
    if (state == State.LIVE && takesWhole(batch)) {
      if (full()) {
        lagged();
        return;
      }
      flush();
      channel.writeAndFlush(batch.wireBytes(), channel.voidPromise());
      cursor = batch.lastSeq();
    } else if (state == State.LIVE) {
      for (FeedEvent e : batch.events()) {
        if (!deliver(e, true)) {
          break;
        }
      }
      flush();
    } else if (state == State.REPLAYING) {
      buffer.addAll(batch.events());
      if (buffer.size() > config.maxReplayBuffer()) {
        lagged();
      }
    }
  }

  /**
   * An agent that sees every department with no filter gets every event of a new batch: one shared
   * write for the batch instead of one per event (the fan-out's cost per frame, a thousand times per
   * event, was the limit of the agents bench).
   */
  private boolean takesWhole(FeedBatch batch) {
    return channel != null && batch.wire() != null && agent.seesAll() && subscription.all() && batch.events().get(0).seq() > cursor;
  }

  /** Keeps a quiet connection alive through idle timeouts (ours and any proxy's). */
  void ping() {
    if (state != State.CLOSED && !ws.isClosed()) {
      ws.writePing(io.vertx.core.buffer.Buffer.buffer());
    }
  }

  /** The gateway is stopping: tell the client to reconnect elsewhere. */
  void shutdown() {
    if (state != State.CLOSED) {
      send(new JsonObject().put("type", "shutdown").put("reconnect", true).put("seq", cursor));
      state = State.CLOSED;
      ws.close((short) 1012, "restarting");
    }
  }

  private void onText(String text) {
    JsonObject cmd;
    try {
      cmd = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      error(null, "bad_request", "not a JSON object");
      return;
    }
    Object idValue = cmd.getValue("id");
    String id = idValue == null ? null : String.valueOf(idValue);
    String op = cmd.getValue("op") instanceof String s ? s : "";
    try {
      switch (op) {
        case "ping" -> send(new JsonObject().put("type", "ack").put("id", id).put("op", "ping"));
        case "subscribe" -> subscribe(id, cmd);
        default -> {
          String code = cmd.getValue("trackingCode") instanceof String s ? s : null;
          commands.run(agent, op, code, cmd)
              .onSuccess(result -> send(new JsonObject().put("type", "ack").put("id", id).put("op", op)
                  .put("inquiry", result.getValue("inquiry"))))
              .onFailure(e -> fail(id, e));
        }
      }
    } catch (CommandException e) {
      fail(id, e);
    }
  }

  private void subscribe(String id, JsonObject cmd) {
    Subscription next = Subscription.of(cmd);
    Object since = cmd.getValue("since");
    if (since != null && !(since instanceof Number n && n.longValue() >= 0)) {
      throw new CommandException("bad_request", "since must be a seq number");
    }
    subscription = next;
    generation++;
    buffer.clear();
    if (since == null) {
      cursor = Math.max(cursor, head.delivered());
      state = State.LIVE;
      send(new JsonObject().put("type", "subscribed").put("id", id).put("seq", cursor));
      return;
    }
    cursor = ((Number) since).longValue();
    state = State.REPLAYING;
    send(new JsonObject().put("type", "subscribed").put("id", id).put("seq", cursor));
    replayPage(generation, id);
  }

  private void replayPage(int gen, String id) {
    store.eventsAfter(cursor, agent.scopeDepartment(), config.replayPageSize())
        .onSuccess(rows -> {
          if (gen != generation || state != State.REPLAYING) {
            return; // re-subscribed or closed meanwhile
          }
          for (Row row : rows) {
            deliver(FeedEvent.of(row), false);
          }
          flush();
          if (rows.size() < config.replayPageSize()) {
            finishReplay();
          } else if (full()) {
            whenWritable(() -> {
              if (gen == generation && state == State.REPLAYING) {
                replayPage(gen, id);
              }
            });
          } else {
            replayPage(gen, id);
          }
        })
        .onFailure(e -> {
          if (gen == generation && state == State.REPLAYING) {
            state = State.IDLE;
            error(id, "unavailable", "replay failed; subscribe again");
          }
        });
  }

  private void finishReplay() {
    state = State.LIVE;
    send(new JsonObject().put("type", "replay.done").put("seq", cursor));
    while (!buffer.isEmpty() && state == State.LIVE) {
      deliver(buffer.poll(), true);
    }
    flush();
    buffer.clear();
  }

  /** Sends one event if new, in scope and wanted; false once the session has lagged. */
  private boolean deliver(FeedEvent e, boolean live) {
    if (e.seq() <= cursor) {
      return true;
    }
    if (live && full()) {
      lagged();
      return false;
    }
    cursor = e.seq();
    if (agent.sees(e.department(), e.previousDepartment()) && subscription.matches(e)) {
      write(e);
    }
    return true;
  }

  /**
   * Queues the event's shared frame bytes on the channel without flushing: a feed batch costs one
   * flush (one write syscall) per socket instead of one per event, and no per-frame encoding or
   * promise. The bytes pass Vert.x's frame encoder untouched. Everything this session sends goes
   * this way (see {@link #send}), so frames leave in call order: Vert.x's own queue would hold its
   * writes back while the channel is full and let these pass.
   */
  private void write(FeedEvent e) {
    if (channel != null) {
      channel.write(e.wireBytes(), channel.voidPromise());
      unflushed = true;
    } else if (e.frameBytes().readableBytes() >= WireFrames.MAX_FRAME_PAYLOAD) {
      ws.writeTextMessage(e.frame()); // split into continuation frames by Vert.x
    } else {
      ws.writeFrame(e.wireFrame());
    }
  }

  /**
   * The socket's write queue is at its limit (writeQueueBytes). Shared frame bytes go to the channel
   * below Vert.x's own queue, so it is the channel's writability that counts (Vert.x sets its water
   * mark from setWriteQueueMaxSize).
   */
  private boolean full() {
    return channel != null ? !channel.channel().isWritable() || ws.writeQueueFull() : ws.writeQueueFull();
  }

  /**
   * Runs {@code next} once the socket can take more. Polled: writes made below Vert.x's queue do not
   * arm its drain handler. Only replays wait here; live delivery disconnects a full socket instead.
   */
  private void whenWritable(Runnable next) {
    if (state == State.CLOSED || ws.isClosed()) {
      return;
    }
    if (full()) {
      vertx.setTimer(DRAIN_POLL_MS, id -> whenWritable(next));
    } else {
      next.run();
    }
  }

  private void flush() {
    if (unflushed) {
      unflushed = false;
      channel.flush();
    }
  }

  private void lagged() {
    if (state == State.CLOSED) {
      return;
    }
    LOG.info("agent lagged; disconnecting [agent: {}, seq: {}]", agent.sub(), cursor);
    send(new JsonObject().put("type", "lagged").put("seq", cursor));
    state = State.CLOSED;
    buffer.clear();
    ws.close((short) 4008, "lagged");
  }

  private void fail(String id, Throwable e) {
    if (e instanceof CommandException ce) {
      error(id, ce.code(), ce.getMessage());
    } else {
      LOG.warn("agent command failed [agent: {}]", agent.sub(), e);
      error(id, "unavailable", "try again");
    }
  }

  private void error(String id, String code, String message) {
    send(new JsonObject().put("type", "error").put("id", id).put("code", code).put("message", message));
  }

  private void send(JsonObject frame) {
    if (ws.isClosed()) {
      return;
    }
    if (channel != null) {
      channel.write(WireFrames.text(frame.encode().getBytes(StandardCharsets.UTF_8)), channel.voidPromise());
      unflushed = true;
      flush();
    } else {
      ws.writeTextMessage(frame.encode());
    }
  }

  /** The token expired: the socket closes with 4401 and the client signs in again (docs/agent-api.md). */
  private void expired() {
    expiryTimer = -1;
    if (state != State.CLOSED && !ws.isClosed()) {
      LOG.info("agent token expired; closing its socket [agent: {}]", agent.sub());
      state = State.CLOSED;
      buffer.clear();
      ws.close((short) 4401, "token expired");
    }
  }

  private void closed() {
    if (expiryTimer != -1) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    state = State.CLOSED;
    buffer.clear();
    onClose.run();
  }
}
