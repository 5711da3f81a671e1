package org.hotline1022.gateway.inquiry;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalizes contact addresses at intake so one citizen is one contact whatever way they typed it:
 * phone numbers to E.164 (Vietnamese {@code 0xxx} → {@code +84xxx}), e-mail addresses lower-cased.
 */
public final class ContactNormalizer {
  private static final Pattern PHONE_SEPARATORS = Pattern.compile("[\\s.\\-()/]");
  private static final Pattern DIGITS = Pattern.compile("\\+?\\d{3,16}");
  // local@domain.tld, no spaces, one @, a dot in the domain; RFC 5321 length limits
  private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>(),;:\\\\\\[\\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

  private ContactNormalizer() {}

  /**
   * E.164 form of a phone number, or empty if it is not one. Accepts {@code 0912 345 678},
   * {@code +84 912-345-678}, {@code 84912345678}, {@code 0084...}, and short service numbers such as
   * {@code 1022} (kept as they are: they have no country form).
   */
  public static Optional<String> phone(String input) {
    if (input == null || input.length() > 40) {
      return Optional.empty();
    }
    String s = PHONE_SEPARATORS.matcher(input.strip()).replaceAll("");
    if (!DIGITS.matcher(s).matches()) {
      return Optional.empty();
    }
    if (s.startsWith("+")) {
      return s.length() >= 9 && s.charAt(1) != '0' ? Optional.of(s) : Optional.empty();
    }
    if (s.startsWith("00")) {
      return s.length() >= 10 ? Optional.of("+" + s.substring(2)) : Optional.empty();
    }
    if (s.startsWith("0")) {
      // national format: 0 + 9 or 10 digits (mobiles 0[35789]x, landlines 02xx)
      return s.length() == 10 || s.length() == 11 ? Optional.of("+84" + s.substring(1)) : Optional.empty();
    }
    if (s.startsWith("84") && (s.length() == 11 || s.length() == 12)) {
      return Optional.of("+" + s);
    }
    if (s.length() <= 6) {
      return Optional.of(s); // service numbers: 1022, 113, 115
    }
    return Optional.empty();
  }

  /** The lower-cased address, or empty if it does not look like one. */
  public static Optional<String> email(String input) {
    if (input == null || input.length() > 254) {
      return Optional.empty();
    }
    String s = input.strip();
    return EMAIL.matcher(s).matches() ? Optional.of(s.toLowerCase(Locale.ROOT)) : Optional.empty();
  }
}
