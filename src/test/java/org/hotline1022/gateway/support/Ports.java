package org.hotline1022.gateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers for tests. */
public final class Ports {
  private Ports() {}

  /** A port free on TCP and on UDP (the SIP and HEP listeners bind both). */
  public static int free() {
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        s.setReuseAddress(true);
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      try (java.net.DatagramSocket d = new java.net.DatagramSocket(port)) {
        return port;
      } catch (IOException e) {
        if (attempt > 50) {
          throw new IllegalStateException("no port free on both TCP and UDP", e);
        }
      }
    }
  }

  public static boolean open(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
