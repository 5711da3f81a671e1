package org.hotline1022.gateway.adapter.sip;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetSocket;

/**
 * Where a request came from and how its answers go back: over UDP to the address RFC 3261 §18.2.2
 * and RFC 3581 pick, over TCP on the connection it arrived on.
 */
interface SipChannel {
  /** {@code udp} or {@code tcp}; also a metric tag. */
  String transport();

  /** TCP: no retransmissions, Timers I and J are zero. */
  boolean reliable();

  String sourceHost();

  int sourcePort();

  void send(Buffer data);

  default void send(SipMessage m) {
    send(m.toBuffer());
  }

  /** UDP from {@code source}; answers go to {@code replyHost:replyPort}. */
  record Udp(DatagramSocket socket, String sourceHost, int sourcePort, String replyHost, int replyPort) implements SipChannel {
    @Override
    public String transport() {
      return "udp";
    }

    @Override
    public boolean reliable() {
      return false;
    }

    @Override
    public void send(Buffer data) {
      socket.send(data, replyPort, replyHost);
    }

    /**
     * The reply address of a request: with {@code rport} the source address and port (RFC 3581 §4);
     * without it the source address (what {@code received} would say) and the sent-by port, 5060 by default.
     */
    static Udp forRequest(DatagramSocket socket, String sourceHost, int sourcePort, SipMessage request) {
      SipVia via = request.topVia();
      if (via.rport()) {
        return new Udp(socket, sourceHost, sourcePort, sourceHost, sourcePort);
      }
      return new Udp(socket, sourceHost, sourcePort, sourceHost, via.port() > 0 ? via.port() : 5060);
    }
  }

  /** A TCP connection; answers go back on it. */
  record Tcp(NetSocket socket, String sourceHost, int sourcePort) implements SipChannel {
    @Override
    public String transport() {
      return "tcp";
    }

    @Override
    public boolean reliable() {
      return true;
    }

    @Override
    public void send(Buffer data) {
      socket.write(data);
    }
  }
}
