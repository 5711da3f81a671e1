package org.hotline1022.gateway.adapter.sip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A test SIP peer on loopback: sends raw text over UDP (or TCP) and reads what comes back. */
final class SipPeer implements AutoCloseable {
  final DatagramSocket udp;
  private final int target;
  private Socket tcp;
  private final StringBuilder tcpIn = new StringBuilder();

  SipPeer(int target) {
    this(target, 0);
  }

  /** A peer bound to {@code localPort} (0: any). */
  SipPeer(int target, int localPort) {
    this.target = target;
    try {
      udp = new DatagramSocket(localPort, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return udp.getLocalPort();
  }

  void send(String text) {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] b) {
    try {
      udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next datagram as text, or null after {@code wait}. */
  String receive(Duration wait) {
    try {
      udp.setSoTimeout((int) Math.max(1, wait.toMillis()));
      byte[] buf = new byte[70_000];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      udp.receive(p);
      return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String receive() {
    String r = receive(Duration.ofSeconds(3));
    if (r == null) {
      throw new AssertionError("no answer within 3 s");
    }
    return r;
  }

  /** Everything received within {@code wait}. */
  List<String> drain(Duration wait) {
    List<String> out = new ArrayList<>();
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < end) {
      String r = receive(Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  void tcpWrite(String text) {
    try {
      if (tcp == null) {
        tcp = new Socket(InetAddress.getLoopbackAddress(), target);
        tcp.setTcpNoDelay(true);
      }
      tcp.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      tcp.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int tcpLocalPort() {
    return tcp.getLocalPort();
  }

  /** The next complete response on the TCP connection (head + Content-Length body), or null. */
  String tcpReceive(Duration wait) {
    try {
      tcp.setSoTimeout((int) wait.toMillis());
      InputStream in = tcp.getInputStream();
      byte[] buf = new byte[8192];
      while (true) {
        int end = tcpIn.indexOf("\r\n\r\n");
        if (end >= 0) {
          String head = tcpIn.substring(0, end);
          int len = 0;
          for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
              len = Integer.parseInt(line.substring(15).trim());
            }
          }
          if (tcpIn.length() >= end + 4 + len) {
            String msg = tcpIn.substring(0, end + 4 + len);
            tcpIn.delete(0, end + 4 + len);
            return msg;
          }
        }
        int n = in.read(buf);
        if (n < 0) {
          return null;
        }
        tcpIn.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean tcpClosed(Duration wait) {
    try {
      tcp.setSoTimeout((int) wait.toMillis());
      return tcp.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  static int status(String response) {
    return Integer.parseInt(response.substring(8, 11));
  }

  /** The first value of a header in a response text, or null. */
  static String header(String response, String name) {
    for (String line : response.split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
        return line.substring(c + 1).trim();
      }
    }
    return null;
  }

  static List<String> headers(String response, String name) {
    List<String> out = new ArrayList<>();
    for (String line : response.split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
        out.add(line.substring(c + 1).trim());
      }
    }
    return out;
  }

  static String toTag(String response) {
    String to = header(response, "To");
    int i = to.indexOf(";tag=");
    return i < 0 ? null : to.substring(i + 5).split(";")[0];
  }

  @Override
  public void close() {
    udp.close();
    if (tcp != null) {
      try {
        tcp.close();
      } catch (IOException ignored) {
        // test teardown
      }
    }
  }
}
