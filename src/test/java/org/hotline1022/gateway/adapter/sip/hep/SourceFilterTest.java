package org.hotline1022.gateway.adapter.sip.hep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SourceFilterTest {

  @Test
  void emptyAllowsEverySource() {
    assertThat(SourceFilter.of(List.of()).allows("203.0.113.9")).isTrue();
  }

  @Test
  void addressesAndBlocksOfBothFamilies() {
    SourceFilter f = SourceFilter.of(List.of("10.0.0.0/24", "192.0.2.7", "2001:db8::/32", "172.16.0.0/12"));
    assertThat(f.allows("10.0.0.200")).isTrue();
    assertThat(f.allows("10.0.1.1")).isFalse();
    assertThat(f.allows("192.0.2.7")).isTrue();
    assertThat(f.allows("192.0.2.8")).isFalse();
    assertThat(f.allows("172.31.255.1")).isTrue();
    assertThat(f.allows("172.32.0.1")).isFalse();
    assertThat(f.allows("2001:db8:1::5")).isTrue();
    assertThat(f.allows("2001:db9::5")).isFalse();
    assertThat(f.allows("not an address")).isFalse();
  }

  @Test
  void namesAndBadPrefixesAreConfigErrors() {
    assertThatThrownBy(() -> SourceFilter.of(List.of("pbx.example.vn"))).hasMessageContaining("phone.hep.allowFrom");
    assertThatThrownBy(() -> SourceFilter.of(List.of("10.0.0.0/33"))).hasMessageContaining("bad prefix");
    assertThatThrownBy(() -> SourceFilter.of(List.of("10.0.0.0/x"))).hasMessageContaining("bad prefix");
  }
}
