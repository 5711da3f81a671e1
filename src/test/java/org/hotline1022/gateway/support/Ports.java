package org.hotline1022.gateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers for tests. */
public final class Ports {
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private Ports() {}

  /**
   * A port free on TCP and on UDP (the SIP and HEP listeners bind both), below the kernel's
   * ephemeral range: a port the kernel hands out (ServerSocket(0)) can be taken again by any
   * process's next outgoing connection or DNS query before the test binds it (CI saw a UDP bind
   * fail so). Picked at random in [10000, 32000) and checked free at that moment.
   */
  public static int free() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; ; attempt++) {
      int port = 10_000 + random.nextInt(22_000);
      if (!HANDED_OUT.add(port)) {
        continue;   // never twice in one JVM: a gateway's SIP and HEP ports once came out equal (UDP bind failed)
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(port));
        try (java.net.DatagramSocket d = new java.net.DatagramSocket(port)) {
          return port;
        }
      } catch (IOException e) {
        if (attempt > 200) {
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
