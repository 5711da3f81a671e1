package org.hotline1022.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.hotline1022.gateway.media.AddressRanges.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Host allow-list matching and the address ranges a media download must not reach. */
class MediaTargetRulesTest {
  static final List<String> FACEBOOK = List.of("fbcdn.net", "fbsbx.com", "facebook.com");
  static final List<String> LOCAL = List.of("127.0.0.1", "::1", "zdn.vn");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "fbcdn.net, true",
      "scontent.xx.fbcdn.net, true",
      "scontent-hkg4-1.xx.fbcdn.net, true",
      "cdn.fbsbx.com, true",
      "lookaside.fbsbx.com, true",
      "SCONTENT.XX.FBCDN.NET, true",         // uppercase
      "x.fbcdn.net., true",                  // the DNS root's trailing dot
      "'  x.fbcdn.net ', true",
      "evilfbcdn.net, false",                // no label boundary
      "fbcdn.net.evil.com, false",
      "xfbcdn.net, false",
      "fbcdn.netx, false",
      "x.fbcdn.net.., false",                // an empty label
      ".fbcdn.net, false",
      "x..fbcdn.net, false",
      "fbcdn.net:443, false",                // a port is not part of a host
      "fbcdn.net@169.254.169.254, false",
      "fbcdn.net/x, false",
      "'x.fbcdn.net\u0000.evil.com', false",
      "x.fbcdn.ne\u0442, false",             // a Cyrillic lookalike letter
      "127.0.0.1, false",
      "2130706433, false",                   // decimal 127.0.0.1
      "0x7f000001, false",
      "0177.0.0.1, false",                   // octal-looking
      "'', false",
  })
  void facebookHostsMatchOnALabelBoundary(String host, boolean allowed) {
    assertThat(AllowedHosts.allowed(host, FACEBOOK)).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "127.0.0.1, true",
      "127.0.0.1., true",
      "0177.0.0.1, false",                   // not reinterpreted as 127.0.0.1
      "2130706433, false",
      "127.000.000.001, false",
      "127.0.0.01, false",
      "x.127.0.0.1, false",                  // an IP entry has no subdomains
      "[::1], true",
      "::1, true",
      "[0:0:0:0:0:0:0:1], false",            // written differently: compared as written
      "[::ffff:127.0.0.1], false",
      "f.example.zdn.vn, true",
      "zdn.vn, true",
      "zdn.vn.evil, false",
      "ZDN.VN, true",
  })
  void ipEntriesMatchOnlyThemselves(String host, boolean allowed) {
    assertThat(AllowedHosts.allowed(host, LOCAL)).isEqualTo(allowed);
  }

  @Test
  void nullAndEmptyListsAllowNothing() {
    assertThat(AllowedHosts.allowed(null, FACEBOOK)).isFalse();
    assertThat(AllowedHosts.allowed("x.fbcdn.net", List.of())).isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "0.0.0.0, UNSPECIFIED",
      "0.1.2.3, UNSPECIFIED",
      "127.0.0.1, LOOPBACK",
      "127.255.255.254, LOOPBACK",
      "169.254.169.254, LINK_LOCAL",         // cloud metadata
      "10.0.0.1, PRIVATE",
      "10.255.255.255, PRIVATE",
      "172.16.0.1, PRIVATE",
      "172.31.255.255, PRIVATE",
      "172.15.255.255, ",
      "172.32.0.1, ",
      "192.168.1.1, PRIVATE",
      "100.64.0.1, PRIVATE",                 // RFC 6598 shared space
      "100.128.0.1, ",
      "224.0.0.1, MULTICAST",
      "239.255.255.250, MULTICAST",
      "255.255.255.255, RESERVED",
      "240.0.0.1, RESERVED",
      "198.18.0.1, RESERVED",
      "192.0.0.8, RESERVED",
      "157.240.22.35, ",                     // a public address (a Facebook CDN edge)
      "8.8.8.8, ",
      "::, UNSPECIFIED",
      "::1, LOOPBACK",
      "fe80::1, LINK_LOCAL",
      "febf::1, LINK_LOCAL",
      "fc00::1, PRIVATE",
      "fd12:3456:789a::1, PRIVATE",
      "fec0::1, PRIVATE",
      "ff02::1, MULTICAST",
      "ff05::2, MULTICAST",
      "::ffff:127.0.0.1, LOOPBACK",          // IPv4-mapped
      "::ffff:169.254.169.254, LINK_LOCAL",
      "::ffff:10.1.2.3, PRIVATE",
      "::ffff:8.8.8.8, ",
      "::127.0.0.1, LOOPBACK",               // IPv4-compatible
      "64:ff9b::a9fe:a9fe, LINK_LOCAL",      // NAT64 of 169.254.169.254
      "64:ff9b::808:808, ",
      "2002:7f00:1::1, LOOPBACK",            // 6to4 of 127.0.0.1
      "2002:0808:0808::1, ",
      "2001:db8::1, RESERVED",
      "2a03:2880:f12f:83:face:b00c:0:25de, ", // a public address (Facebook)
  })
  void nonPublicAddressesAreClassified(String literal, Range expected) throws Exception {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    assertThat(bytes).as(literal).isNotNull();
    assertThat(AddressRanges.of(InetAddress.getByAddress(bytes))).as(literal).isEqualTo(expected);
    if (bytes.length == 16) {
      // as an Inet6Address even when Java would turn it into an IPv4 one
      assertThat(AddressRanges.of(Inet6Address.getByAddress(null, bytes, null))).as(literal).isEqualTo(expected);
    }
  }

  /** Seeded random IPv4 addresses: the IPv4-mapped IPv6 form is judged exactly like the address it carries. */
  @Test
  void anIpv4MappedAddressIsJudgedLikeItsIpv4Address() throws Exception {
    Random r = new Random(1022);
    for (int i = 0; i < 5000; i++) {
      byte[] v4 = new byte[4];
      r.nextBytes(v4);
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(v4, 0, mapped, 12, 4);
      assertThat(AddressRanges.of(Inet6Address.getByAddress(null, mapped, null))).isEqualTo(AddressRanges.of(InetAddress.getByAddress(v4)));
    }
  }
}
