package org.hotline1022.gateway.adapter.sip.hep;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which source addresses may send HEP ({@code phone.hep.allowFrom}: addresses or CIDR blocks, IPv4
 * or IPv6). HEP has no real authentication, and anyone who can reach the port could inject calls;
 * an empty list allows every source (a private network is then the only guard). Immutable.
 */
final class SourceFilter {
  private record Block(byte[] network, int prefix) {}

  private final List<Block> blocks;

  private SourceFilter(List<Block> blocks) {
    this.blocks = blocks;
  }

  /** @throws IllegalArgumentException naming an entry that is not a literal address or CIDR block */
  static SourceFilter of(List<String> entries) {
    List<Block> out = new ArrayList<>();
    for (String e : entries) {
      String[] parts = e.strip().split("/", 2);
      byte[] network = literal(parts[0], e);
      int prefix = network.length * 8;
      if (parts.length == 2) {
        try {
          prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException x) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("config phone.hep.allowFrom: bad prefix in " + e);
        }
      }
      out.add(new Block(network, prefix));
    }
    return new SourceFilter(List.copyOf(out));
  }

  private static byte[] literal(String s, String entry) {
    boolean literal = !s.isEmpty() && (s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
    if (!literal) {
      // Host names would need a (blocking) DNS lookup: only literal addresses are accepted.
      throw new IllegalArgumentException("config phone.hep.allowFrom: not an IP address or CIDR block: " + entry);
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException x) {
      throw new IllegalArgumentException("config phone.hep.allowFrom: not an IP address or CIDR block: " + entry);
    }
  }

  boolean allowsAll() {
    return blocks.isEmpty();
  }

  /** True when {@code host} (a literal address as Vert.x reports it) is allowed. */
  boolean allows(String host) {
    if (blocks.isEmpty()) {
      return true;
    }
    byte[] a;
    try {
      a = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException | RuntimeException e) {
      return false;
    }
    for (Block b : blocks) {
      if (matches(b, a)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Block b, byte[] a) {
    if (a.length != b.network().length) {
      return false;
    }
    int full = b.prefix() / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != b.network()[i]) {
        return false;
      }
    }
    int rest = b.prefix() % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (b.network()[full] & mask);
  }
}
