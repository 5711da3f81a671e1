package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.function.BooleanSupplier;
import org.hotline1022.gateway.config.SipConfig;
import org.hotline1022.gateway.intake.CallIntake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP listener on UDP and TCP {@code phone.sip.port}: the overflow intake UAS and the
 * dialog-event input (sip.md §2, §3). One instance on one context: every transaction, timer,
 * subscription and publication lives on it, so nothing needs locking. {@code Gateway} deploys it on
 * a one-thread worker pool of its own, so the call writer's batch work never delays a SIP answer;
 * nothing in it blocks, so an event loop works as well (the tests deploy it so). Datagrams are parsed whole;
 * TCP is framed per connection and answered on the same connection. Unparsable input is counted
 * and answered 400 when the text still shows where to (a broken TCP stream is then closed). Call
 * signals go to {@link CallIntake} after the SIP answer, through the bounded retry buffer.
 */
public final class SipVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SipVerticle.class);

  private final SipConfig config;
  private final CallIntake intake;
  private final SipUasMetrics metrics;
  private final BooleanSupplier draining;
  private DatagramSocket udp;
  private NetServer tcp;
  private SignalRelay relay;
  private OverflowUas overflow;
  private DialogSubscriber subscriber;
  private SipListener listener;
  private long sweepTimer = -1;
  private int connections;
  private volatile boolean stopping;

  /**
   * @param draining true while the gateway shuts down: OPTIONS and new INVITEs get 503
   */
  public SipVerticle(SipConfig config, CallIntake intake, SipUasMetrics metrics, BooleanSupplier draining) {
    this.config = config;
    this.intake = intake;
    this.metrics = metrics;
    this.draining = draining;
  }

  /** The bound UDP port (the configured one, or the one picked for port 0). */
  public int udpPort() {
    return udp.localAddress().port();
  }

  public int tcpPort() {
    return tcp.actualPort();
  }

  @Override
  public Future<?> start() {
    relay = new SignalRelay(vertx, intake, config.signalBuffer(), config.signalRetryBaseMs(), config.signalRetryMaxMs(), metrics);
    overflow = new OverflowUas(vertx, config, relay, metrics);
    ResponseCache answers = new ResponseCache(vertx, config.timerHMs());
    DialogInfoParser parser = new DialogInfoParser();
    DialogSignals signals = new DialogSignals(relay, config.maxDialogs());
    DialogPublications publications = new DialogPublications(parser, signals, metrics, config.publishExpiresSeconds(),
        config.maxPublications());
    udp = vertx.createDatagramSocket(new DatagramSocketOptions().setReceiveBufferSize(4 << 20).setSendBufferSize(4 << 20));
    subscriber = new DialogSubscriber(vertx, config, udp, parser, signals, metrics);
    listener = new SipListener(config, overflow, answers, subscriber, publications, metrics, () -> stopping || draining.getAsBoolean());
    metrics.gauges(listener::transactions, relay::buffered, subscriber::active);
    sweepTimer = vertx.setPeriodic(5000, t -> publications.sweep(System.currentTimeMillis()));
    udp.handler(p -> onDatagram(p.data(), p.sender().hostAddress(), p.sender().port()));
    tcp = vertx.createNetServer(new NetServerOptions().setHost(config.host()).setPort(config.port()).setIdleTimeout(0))
        .connectHandler(this::onConnection);
    return udp.listen(config.port(), config.host())
        .compose(s -> tcp.listen())
        .onSuccess(s -> {
          subscriber.start();
          LOG.info("SIP listener up [udp: {}, tcp: {}, answer: {}, subscriptions: {}]", udpPort(), tcpPort(), config.answerCode(),
              config.subscriptions().size());
        });
  }

  private void onDatagram(Buffer data, String host, int port) {
    if (SipParser.isKeepAlive(data)) {
      return;
    }
    SipMessage m;
    try {
      m = SipParser.parseDatagram(data);
    } catch (SipParseException e) {
      metrics.malformed("udp", e.reason().tag());
      LOG.debug("unparsable datagram [from: {}:{}, reason: {}]", host, port, e.reason().tag());
      Buffer bad = BadRequests.answer(data);
      if (bad != null) {
        udp.send(bad, port, host);
        metrics.answered("other", 400);
      }
      return;
    }
    SipChannel ch = m.isRequest() ? SipChannel.Udp.forRequest(udp, host, port, m) : new SipChannel.Udp(udp, host, port, host, port);
    dispatch(m, ch);
  }

  private void onConnection(NetSocket socket) {
    if (connections >= config.maxConnections()) {
      metrics.malformed("tcp", "connection_limit");
      socket.close();
      return;
    }
    connections++;
    socket.closeHandler(v -> connections--);
    SipStreamFramer framer = new SipStreamFramer();
    String host = socket.remoteAddress().hostAddress();
    int port = socket.remoteAddress().port();
    SipChannel ch = new SipChannel.Tcp(socket, host, port);
    socket.handler(data -> {
      try {
        framer.feed(data, m -> dispatch(m, ch));
      } catch (SipParseException e) {
        metrics.malformed("tcp", e.reason().tag());
        LOG.debug("unparsable stream, closing [from: {}:{}, reason: {}]", host, port, e.reason().tag());
        Buffer bad = BadRequests.answer(data);
        if (bad != null) {
          socket.write(bad);
          metrics.answered("other", 400);
        }
        socket.close();
      }
    });
  }

  private void dispatch(SipMessage m, SipChannel ch) {
    try {
      listener.onMessage(m, ch);
    } catch (RuntimeException e) {
      // a bug must cost one message, not the listener
      LOG.error("SIP message not handled [callId: {}]", m.callId(), e);
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(sweepTimer);
    subscriber.close();
    overflow.close();
    return relay.flush(2000)
        .transform(v -> tcp.close())
        .transform(v -> udp.close())
        .onComplete(v -> LOG.info("SIP listener closed"));
  }
}
