package org.hotline1022.gateway.inquiry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContactNormalizerTest {

  @ParameterizedTest
  @CsvSource({
      "0912345678, +84912345678",
      "0912 345 678, +84912345678",
      "091-234-5678, +84912345678",
      "(0237) 3852 123, +842373852123",
      "+84 912 345 678, +84912345678",
      "84912345678, +84912345678",
      "0084912345678, +84912345678",
      "+1 415 555 2671, +14155552671",
      "1022, 1022",
      "115, 115"})
  void phoneNumbersBecomeE164(String input, String expected) {
    assertThat(ContactNormalizer.phone(input)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "09123", "091234567890123", "+0912345678", "12ab34", "0912345678; drop table", "++84912345678"})
  void nonNumbersAreRefused(String input) {
    assertThat(ContactNormalizer.phone(input)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"Dan.Nguyen@Example.VN, dan.nguyen@example.vn", "  a+b@mail.gov.vn , a+b@mail.gov.vn"})
  void emailAddressesAreLowerCased(String input, String expected) {
    assertThat(ContactNormalizer.email(input)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "a@b", "a@@b.vn", "a b@c.vn", "<a@b.vn>", "a@-b.vn", "@b.vn"})
  void malformedEmailAddressesAreRefused(String input) {
    assertThat(ContactNormalizer.email(input)).isEmpty();
  }
}
