package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hotline1022.gateway.config.SipConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as RFC 6665 subscriber to {@code Event: dialog} (RFC 4235) at each configured PBX URI,
 * over UDP from the listener's own socket (so NOTIFYs come back to the listener). SUBSCRIBE is
 * retransmitted on Timer E until answered or Timer F (64·T1); a subscription is refreshed at 80 % of
 * the granted expiry; after a failure, a {@code terminated} NOTIFY or a refused refresh it starts
 * over with a new Call-ID after {@code retry-after} (or {@code Retry-After}) when given, else
 * {@code resubscribeSeconds}. Configured URIs are meant to be watched, so this also applies to
 * {@code noresource} and {@code rejected} (RFC 6665 says the subscriber SHOULD NOT retry those; an
 * operator removes the URI from the config instead). NOTIFY matches on Call-ID and our From-tag;
 * versions are checked per subscription. Confined to the listener's event loop.
 */
final class DialogSubscriber {
  private static final Logger LOG = LoggerFactory.getLogger(DialogSubscriber.class);

  private final class Sub {
    final String uri;
    String host;
    int port;
    String callId;
    String fromTag;
    String remoteTag;
    String target;
    long cseq;
    boolean active;
    long lastVersion = -1;
    long refreshTimer = -1;
    long restartTimer = -1;
    /** The SUBSCRIBE in flight: its branch, bytes and retransmission timers. */
    String branch;
    Buffer pending;
    long eTimer = -1;
    long eInterval;
    long fTimer = -1;

    Sub(String uri) {
      this.uri = uri;
    }
  }

  private final Vertx vertx;
  private final SipConfig config;
  private final DatagramSocket socket;
  private final DialogInfoParser parser;
  private final DialogSignals signals;
  private final SipUasMetrics metrics;
  private final List<Sub> subs = new ArrayList<>();
  private final Map<String, Sub> byCallId = new HashMap<>();
  private final Map<String, Sub> byBranch = new HashMap<>();
  private boolean closed;

  DialogSubscriber(Vertx vertx, SipConfig config, DatagramSocket socket, DialogInfoParser parser, DialogSignals signals,
      SipUasMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.socket = socket;
    this.parser = parser;
    this.signals = signals;
    this.metrics = metrics;
  }

  void start() {
    for (String uri : config.subscriptions()) {
      Sub s = new Sub(uri);
      subs.add(s);
      begin(s);
    }
  }

  int active() {
    return (int) subs.stream().filter(s -> s.active).count();
  }

  /** A fresh subscription: new Call-ID, tag and CSeq, no remote tag, versions restart. */
  private void begin(Sub s) {
    if (closed) {
      return;
    }
    s.restartTimer = -1;
    byCallId.remove(s.callId);
    String[] hp = hostPort(s.uri);
    if (hp == null) {
      LOG.warn("subscription URI has no host, not subscribing [uri: {}]", s.uri);
      return;
    }
    s.host = hp[0];
    s.port = Integer.parseInt(hp[1]);
    s.callId = SipResponses.newTag() + SipResponses.newTag() + "@" + config.contactHost();
    s.fromTag = SipResponses.newTag();
    s.remoteTag = null;
    s.target = s.uri;
    s.cseq = 0;
    s.lastVersion = -1;
    s.active = false;
    byCallId.put(s.callId, s);
    send(s, config.subscribeExpiresSeconds());
  }

  private void send(Sub s, int expires) {
    cancelTransaction(s);
    s.cseq++;
    s.branch = SipVia.MAGIC_COOKIE + SipResponses.newTag();
    String target = s.target;
    String local = config.contactHost() + ":" + config.port();
    List<SipHeader> h = List.of(
        new SipHeader("Via", "SIP/2.0/UDP " + local + ";rport;branch=" + s.branch),
        new SipHeader("Max-Forwards", "70"),
        new SipHeader("From", "<sip:hotline-gateway@" + config.contactHost() + ">;tag=" + s.fromTag),
        new SipHeader("To", "<" + s.uri + ">" + (s.remoteTag == null ? "" : ";tag=" + s.remoteTag)),
        new SipHeader("Call-ID", s.callId),
        new SipHeader("CSeq", s.cseq + " SUBSCRIBE"),
        new SipHeader("Contact", "<sip:hotline-gateway@" + local + ">"),
        new SipHeader("Event", "dialog"),
        new SipHeader("Accept", "application/dialog-info+xml"),
        new SipHeader("Expires", Integer.toString(expires)),
        new SipHeader("User-Agent", "hotline-1022-gateway"));
    s.pending = SipMessage.request("SUBSCRIBE", target, h, new byte[0]).toBuffer();
    byBranch.put(s.branch, s);
    String[] hp = hostPort(target);
    String host = hp == null ? s.host : hp[0];
    int port = hp == null ? s.port : Integer.parseInt(hp[1]);
    socket.send(s.pending, port, host);
    s.eInterval = config.t1Ms();
    s.eTimer = vertx.setTimer(s.eInterval, id -> timerE(s, host, port));
    s.fTimer = vertx.setTimer(config.timerHMs(), id -> {
      s.fTimer = -1;
      cancelTransaction(s);
      LOG.warn("SUBSCRIBE not answered, retrying later [uri: {}]", s.uri);
      restart(s, config.resubscribeSeconds());
    });
  }

  private void timerE(Sub s, String host, int port) {
    s.eTimer = -1;
    if (s.pending == null) {
      return;
    }
    socket.send(s.pending, port, host);
    s.eInterval = Math.min(2 * s.eInterval, config.t2Ms());
    s.eTimer = vertx.setTimer(s.eInterval, id -> timerE(s, host, port));
  }

  private void cancelTransaction(Sub s) {
    if (s.branch != null) {
      byBranch.remove(s.branch);
    }
    s.pending = null;
    cancel(s.eTimer);
    cancel(s.fTimer);
    s.eTimer = -1;
    s.fTimer = -1;
  }

  /** A response to one of our SUBSCRIBEs (others are ignored). */
  void response(SipMessage r) {
    Sub s = byBranch.get(r.topVia().branch());
    if (s == null || !"SUBSCRIBE".equals(r.cseq().method()) || r.status() < 200) {
      return;
    }
    cancelTransaction(s);
    if (r.status() < 300) {
      if (s.remoteTag == null) {
        s.remoteTag = r.to().tag();
      }
      String contact = r.header("Contact");
      if (contact != null) {
        try {
          s.target = SipAddress.parse(contact).uri();
        } catch (SipParseException e) {
          // keep the configured URI as target
        }
      }
      int granted = number(r.header("Expires"), config.subscribeExpiresSeconds());
      if (granted == 0) {
        restart(s, config.resubscribeSeconds());
        return;
      }
      s.active = true;
      scheduleRefresh(s, granted);
      LOG.info("subscribed [uri: {}, expires: {}]", s.uri, granted);
    } else {
      LOG.warn("SUBSCRIBE refused [uri: {}, status: {}]", s.uri, r.status());
      restart(s, number(r.header("Retry-After"), config.resubscribeSeconds()));
    }
  }

  private void scheduleRefresh(Sub s, int expiresSeconds) {
    cancel(s.refreshTimer);
    long ms = Math.max(1000, expiresSeconds * 800L);
    s.refreshTimer = vertx.setTimer(ms, id -> {
      s.refreshTimer = -1;
      if (!closed) {
        send(s, config.subscribeExpiresSeconds());
      }
    });
  }

  private void restart(Sub s, int afterSeconds) {
    s.active = false;
    cancel(s.refreshTimer);
    s.refreshTimer = -1;
    cancelTransaction(s);
    if (closed || s.restartTimer >= 0) {
      return;
    }
    s.restartTimer = vertx.setTimer(Math.max(1, afterSeconds) * 1000L, id -> begin(s));
  }

  /**
   * A NOTIFY: the status to answer. 489 unless {@code Event: dialog}; 481 when it matches no
   * subscription of ours; else 200, whatever the body holds (a body we cannot read is counted, and
   * must not end the subscription).
   */
  int notify(SipMessage m) {
    if (!"dialog".equals(eventPackage(m.header("Event")))) {
      return 489;
    }
    Sub s = byCallId.get(m.callId());
    if (s == null || !s.fromTag.equals(m.to().tag())) {
      return 481;
    }
    if (s.remoteTag == null) {
      s.remoteTag = m.from().tag(); // the NOTIFY may overtake the 200 (RFC 6665 §4.1.2.4)
    }
    if (m.bodyLength() > 0) {
      try {
        DialogInfo doc = parser.parse(m.body());
        if (doc.version() <= s.lastVersion) {
          metrics.document(SipUasMetrics.DocumentOutcome.STALE);
        } else {
          s.lastVersion = doc.version();
          signals.apply(doc);
          metrics.document(SipUasMetrics.DocumentOutcome.APPLIED);
        }
      } catch (DialogInfoException e) {
        metrics.document(SipUasMetrics.DocumentOutcome.INVALID);
        metrics.malformed("body", "dialog_info_" + e.reason().tag());
      }
    }
    String state = m.header("Subscription-State");
    String value = state == null ? "" : state.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("terminated")) {
      int retry = number(param(value, "retry-after"), config.resubscribeSeconds());
      LOG.info("subscription terminated by the notifier [uri: {}, retryAfter: {}]", s.uri, retry);
      byCallId.remove(s.callId);
      restart(s, retry);
    } else if (value.startsWith("active")) {
      s.active = true;
      String exp = param(value, "expires");
      if (exp != null) {
        scheduleRefresh(s, number(exp, config.subscribeExpiresSeconds()));
      }
    }
    return 200;
  }

  static String eventPackage(String event) {
    if (event == null) {
      return null;
    }
    int semi = event.indexOf(';');
    return (semi < 0 ? event : event.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  private static String param(String value, String name) {
    for (String p : value.split(";")) {
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
        return p.substring(eq + 1).trim();
      }
    }
    return null;
  }

  private static int number(String s, int dflt) {
    if (s == null) {
      return dflt;
    }
    String t = s.trim();
    int sp = 0;
    while (sp < t.length() && Character.isDigit(t.charAt(sp))) {
      sp++;
    }
    if (sp == 0 || sp > 9) {
      return dflt;
    }
    return Integer.parseInt(t.substring(0, sp));
  }

  /** {@code sip:user@host:port;params} → {host, port}; 5060 by default; null without a host. */
  static String[] hostPort(String uri) {
    String u = uri.trim();
    if (u.startsWith("<")) {
      u = u.substring(1, Math.max(1, u.indexOf('>')));
    }
    int colon = u.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String rest = u.substring(colon + 1);
    int at = rest.lastIndexOf('@');
    rest = at < 0 ? rest : rest.substring(at + 1);
    int end = rest.length();
    for (char c : new char[] {';', '?', '>'}) {
      int i = rest.indexOf(c);
      end = i >= 0 ? Math.min(end, i) : end;
    }
    rest = rest.substring(0, end);
    String host;
    String port = "5060";
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = rest.substring(1, close);
      if (rest.length() > close + 2 && rest.charAt(close + 1) == ':') {
        port = rest.substring(close + 2);
      }
    } else {
      int c = rest.indexOf(':');
      host = c < 0 ? rest : rest.substring(0, c);
      port = c < 0 ? port : rest.substring(c + 1);
    }
    if (host.isEmpty() || !port.chars().allMatch(Character::isDigit) || port.isEmpty() || port.length() > 5) {
      return null;
    }
    return new String[] {host, port};
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Stop: timers off. The subscriptions simply expire at the notifier. */
  void close() {
    closed = true;
    for (Sub s : subs) {
      cancelTransaction(s);
      cancel(s.refreshTimer);
      cancel(s.restartTimer);
      s.active = false;
    }
  }
}
