package org.hotline1022.gateway.inquiry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrackingCodesTest {

  @ParameterizedTest
  @CsvSource({
      "1022-7K4M-9Q2X, 1022-7K4M-9Q2X",
      "1022-7k4m-9q2x, 1022-7K4M-9Q2X",
      "10227K4M9Q2X, 1022-7K4M-9Q2X",
      "7K4M-9Q2X, 1022-7K4M-9Q2X",
      "' 1022 7k4m 9q2x ', 1022-7K4M-9Q2X",
      "1022-7K4M-9QOL, 1022-7K4M-9Q01"})
  void lookupsIgnoreCaseSpacesAndDashes(String typed, String canonical) {
    assertThat(TrackingCodes.canonical(typed)).contains(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1022", "1022-7K4M-9Q2", "1022-7K4M-9Q2XX", "1022-7K4M-9Q2U", "../../etc/passwd", "1022-7K4M-9Q2%"})
  void anythingElseIsNotACode(String typed) {
    assertThat(TrackingCodes.canonical(typed)).isEmpty();
  }
}
