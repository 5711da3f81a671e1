package org.hotline1022.gateway.adapter.sip.hep;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Instant;
import org.hotline1022.gateway.adapter.sip.SipMessage;
import org.hotline1022.gateway.adapter.sip.SipParseException;
import org.hotline1022.gateway.adapter.sip.SipParser;
import org.hotline1022.gateway.config.HepConfig;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.intake.CallIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HEP v3 collector (sip.md §4): receives mirrored SIP on UDP and TCP (same port), decodes HEP,
 * parses SIP, feeds one {@link CallTracker}, and hands the call signals to {@link CallIntake}
 * through a bounded retry buffer. It never answers SIP and never waits for the store, so it adds no
 * failure mode to the voice path. One instance: the tracker is confined to this event loop.
 */
public final class HepCollectorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HepCollectorVerticle.class);
  /** The readiness check this verticle reports. */
  public static final String READINESS = "hep";
  /** Read size and SO_RCVBUF of the UDP socket (any datagram fits: a HEP packet's length is a uint16). */
  static final int UDP_READ_BYTES = 512 * 1024;
  private static final java.time.Duration OLDEST_CAPTURE = java.time.Duration.ofDays(30);
  private static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(10);

  private final HepConfig config;
  private final CallIntake intake;
  private final HepMetrics metrics;
  private final Readiness readiness;
  private final SourceFilter sources;
  private CallTracker tracker;
  private SignalRelay relay;
  private DatagramSocket udp;
  private NetServer tcp;
  private long sweepTimer = -1;
  private int connections;

  public HepCollectorVerticle(HepConfig config, CallIntake intake, HepMetrics metrics, Readiness readiness) {
    this.config = config;
    this.intake = intake;
    this.metrics = metrics;
    this.readiness = readiness;
    this.sources = SourceFilter.of(config.allowFrom());
  }

  @Override
  public Future<?> start() {
    readiness.set(READINESS, false);
    relay = new SignalRelay(vertx, intake, metrics, config.signalBuffer(), config.signalsInFlight(),
        config.signalRetryBaseMs(), config.signalRetryMaxMs());
    tracker = new CallTracker(new CallTracker.Settings(config.dedupWindowMs(), config.finalResponseTimeoutMs(),
        config.ringTimeoutSeconds() * 1000L, config.maxCallMinutes() * 60_000L, config.finalResponseTimeoutMs(),
        config.maxCalls()), relay::offer, metrics);
    metrics.gauges(tracker::trackedCalls, relay::buffered);
    // Vert.x uses this both as SO_RCVBUF and as the size of the buffer each datagram is read into:
    // 4 MB made every read a fresh zeroed direct buffer (~200 packets/s); Netty's default read size
    // (2 KB) truncates big INVITEs. 512 KB is still served by the pooled allocator (up to 1 MB) and
    // gives the kernel room for a burst (1 MB effective) while the event loop is busy.
    udp = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(UDP_READ_BYTES));
    udp.handler(packet -> {
      if (sources.allows(packet.sender().host())) {
        onPacket(packet.data());
      } else {
        metrics.packet(HepMetrics.Outcome.NOT_ALLOWED);
      }
    });
    tcp = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
    tcp.connectHandler(this::onConnection);
    return udp.listen(config.port(), config.host())
        .compose(u -> tcp.listen(config.port(), config.host()))
        .onSuccess(s -> {
          sweepTimer = vertx.setPeriodic(config.sweepIntervalMs(), id -> tracker.sweep(nowMs()));
          readiness.set(READINESS, true);
          LOG.info("HEP collector listening [port: {}, udp+tcp, sources: {}]", config.port(),
              sources.allowsAll() ? "any" : config.allowFrom().size() + " allowed");
        });
  }

  @Override
  public Future<?> stop() {
    readiness.set(READINESS, false);
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (relay != null) {
      relay.close();
    }
    Future<Void> u = udp == null ? Future.succeededFuture() : udp.close();
    Future<Void> t = tcp == null ? Future.succeededFuture() : tcp.close();
    return Future.join(u, t);
  }

  private void onConnection(NetSocket socket) {
    if (!sources.allows(socket.remoteAddress().host())) {
      metrics.packet(HepMetrics.Outcome.NOT_ALLOWED);
      LOG.warn("HEP connection refused: source not in phone.hep.allowFrom");
      socket.close();
      return;
    }
    if (connections >= config.maxConnections()) {
      LOG.warn("HEP connection refused: too many [max: {}]", config.maxConnections());
      socket.close();
      return;
    }
    connections++;
    HepStreamFramer framer = new HepStreamFramer();
    socket.closeHandler(v -> connections--);
    socket.exceptionHandler(e -> {
      LOG.debug("HEP connection failed, closing [remote: {}]", socket.remoteAddress(), e);
      socket.close();
    });
    socket.handler(data -> {
      try {
        framer.feed(data, this::onPacket);
      } catch (HepDecodeException e) {
        metrics.packet(HepMetrics.Outcome.BAD_HEP);
        metrics.hepError(e.reason());
        LOG.debug("HEP stream lost its framing, closing [remote: {}, reason: {}]", socket.remoteAddress(), e.reason().tag());
        socket.close();
      }
    });
  }

  private void onPacket(Buffer data) {
    HepPacket packet;
    try {
      packet = HepDecoder.decode(data);
    } catch (HepDecodeException e) {
      metrics.packet(HepMetrics.Outcome.BAD_HEP);
      metrics.hepError(e.reason());
      return;
    }
    byte[] payload = packet.payload();
    if (!packet.isSip() || SipParser.isKeepAlive(Buffer.buffer(payload))) {
      metrics.packet(HepMetrics.Outcome.IGNORED);
      return;
    }
    SipMessage message;
    try {
      message = SipParser.parseDatagram(payload, 0, payload.length);
    } catch (SipParseException e) {
      metrics.packet(HepMetrics.Outcome.BAD_SIP);
      metrics.sipError(e.reason());
      return;
    }
    Instant at = captureTime(packet.timestamp());
    CallTracker.Result r = tracker.onMessage(message, at, packet.correlationId(), nowMs());
    metrics.packet(switch (r) {
      case TRACKED -> HepMetrics.Outcome.TRACKED;
      case DUPLICATE -> HepMetrics.Outcome.DUPLICATE;
      case IGNORED -> HepMetrics.Outcome.IGNORED;
      case FULL -> HepMetrics.Outcome.TRACKER_FULL;
    });
  }

  /**
   * The sender's capture time, unless absent or implausible (a wrong clock or a hostile packet):
   * then the arrival time. Replays of recent captures (sngrep -I) keep their own times.
   */
  static Instant captureTime(Instant sent) {
    Instant now = Instant.now();
    if (sent == null || sent.isBefore(now.minus(OLDEST_CAPTURE)) || sent.isAfter(now.plus(CLOCK_SKEW))) {
      return now;
    }
    return sent;
  }

  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
  }
}
