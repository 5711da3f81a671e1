package org.hotline1022.gateway.reply;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.hotline1022.gateway.inquiry.Channel;

/** A fake channel sender: records every call per outbox id and answers as the test's behaviour says. */
final class RecordingSender implements ReplySender {
  private final Channel channel;
  /** (reply, how many calls this outbox id has had including this one) → outcome. */
  private final BiFunction<OutboundReply, Integer, Future<Void>> behaviour;
  final Map<Long, List<Instant>> calls = new ConcurrentHashMap<>();
  final Map<Long, OutboundReply> seen = new ConcurrentHashMap<>();

  RecordingSender(Channel channel, BiFunction<OutboundReply, Integer, Future<Void>> behaviour) {
    this.channel = channel;
    this.behaviour = behaviour;
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public Future<Void> send(OutboundReply reply) {
    List<Instant> mine = calls.computeIfAbsent(reply.outboxId(), id -> new CopyOnWriteArrayList<>());
    mine.add(Instant.now());
    seen.put(reply.outboxId(), reply);
    return behaviour.apply(reply, mine.size());
  }

  int callsFor(long outboxId) {
    List<Instant> l = calls.get(outboxId);
    return l == null ? 0 : l.size();
  }

  int totalCalls() {
    return calls.values().stream().mapToInt(List::size).sum();
  }
}
