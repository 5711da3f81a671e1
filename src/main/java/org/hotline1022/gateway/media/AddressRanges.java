package org.hotline1022.gateway.media;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Which addresses a media download must not connect to: anything that is not a public unicast
 * address. IPv6 forms that carry an IPv4 address (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible,
 * NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by that IPv4 address.
 */
final class AddressRanges {

  /** Why an address is refused. */
  enum Range {
    UNSPECIFIED, LOOPBACK, LINK_LOCAL, PRIVATE, MULTICAST, RESERVED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private AddressRanges() {}

  /** @return the non-public range {@code address} is in, or null for a public unicast address */
  static Range of(InetAddress address) {
    byte[] b = address.getAddress();
    return address instanceof Inet6Address ? v6(b) : v4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff);
  }

  private static Range v4(int a, int b, int c, int d) {
    if (a == 0) {
      return Range.UNSPECIFIED; // 0.0.0.0/8: "this network"; 0.0.0.0 reaches the local host on Linux
    }
    if (a == 127) {
      return Range.LOOPBACK;
    }
    if (a == 169 && b == 254) {
      return Range.LINK_LOCAL; // cloud metadata (169.254.169.254) lives here
    }
    if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168) || (a == 100 && (b & 0xc0) == 64)) {
      return Range.PRIVATE; // RFC 1918 and the RFC 6598 shared space some pod networks use
    }
    if (a >= 224 && a <= 239) {
      return Range.MULTICAST;
    }
    if (a >= 240 || (a == 192 && b == 0 && c == 0) || (a == 198 && (b & 0xfe) == 18)) {
      return Range.RESERVED; // 240/4 with the broadcast address, IETF protocol assignments, benchmarking
    }
    return null;
  }

  private static Range v6(byte[] b) {
    if (zeros(b, 0, 10)) {
      if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        return v4(b[12] & 0xff, b[13] & 0xff, b[14] & 0xff, b[15] & 0xff); // ::ffff:a.b.c.d
      }
      if (zeros(b, 10, 15)) {
        int last = b[15] & 0xff;
        return last == 0 ? Range.UNSPECIFIED : last == 1 ? Range.LOOPBACK : v4(0, 0, 0, last);
      }
      if (zeros(b, 10, 12)) {
        return v4(b[12] & 0xff, b[13] & 0xff, b[14] & 0xff, b[15] & 0xff); // ::a.b.c.d (IPv4-compatible, deprecated)
      }
      return Range.RESERVED;
    }
    int first = b[0] & 0xff;
    if (first == 0xff) {
      return Range.MULTICAST;
    }
    if (first == 0xfe && (b[1] & 0xc0) == 0x80) {
      return Range.LINK_LOCAL; // fe80::/10
    }
    if ((first & 0xfe) == 0xfc || (first == 0xfe && (b[1] & 0xc0) == 0xc0)) {
      return Range.PRIVATE; // fc00::/7 unique local, fec0::/10 site-local (deprecated)
    }
    if (first == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
      return v4(b[12] & 0xff, b[13] & 0xff, b[14] & 0xff, b[15] & 0xff); // 64:ff9b::/96 NAT64
    }
    if (first == 0x20 && b[1] == 0x02) {
      return v4(b[2] & 0xff, b[3] & 0xff, b[4] & 0xff, b[5] & 0xff); // 2002::/16 6to4
    }
    if ((first == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) || (first == 0x01 && zeros(b, 1, 8))) {
      return Range.RESERVED; // 2001:db8::/32 documentation, 100::/64 discard
    }
    return null;
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
