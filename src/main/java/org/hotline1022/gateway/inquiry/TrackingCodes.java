package org.hotline1022.gateway.inquiry;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * Tracking codes are {@code 1022-} plus 8 random Crockford base32 characters in two groups
 * ({@code 1022-7K4M-9Q2X}); the database draws them. Lookups ignore case, spaces and dashes, and
 * read the letters people confuse the Crockford way (I and L as 1, O as 0).
 */
public final class TrackingCodes {
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private static final SecureRandom RANDOM = new SecureRandom();

  private TrackingCodes() {}

  /** A fresh code, 40 random bits; the store's unique index catches the (vanishingly rare) collision. */
  public static String random() {
    char[] c = new char[8];
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    for (int i = 0; i < 8; i++) {
      c[i] = ALPHABET.charAt(b[i] & 31);
    }
    return "1022-" + new String(c, 0, 4) + "-" + new String(c, 4, 4);
  }

  /** The canonical form of what a citizen typed, or empty when it cannot be a tracking code. */
  public static Optional<String> canonical(String input) {
    if (input == null || input.length() > 40) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder(12);
    for (int i = 0; i < input.length(); i++) {
      char c = Character.toUpperCase(input.charAt(i));
      if (c == '-' || c == ' ' || c == '_') {
        continue;
      }
      c = switch (c) {
        case 'I', 'L' -> '1';
        case 'O' -> '0';
        default -> c;
      };
      if (ALPHABET.indexOf(c) < 0) {
        return Optional.empty();
      }
      sb.append(c);
    }
    if (sb.length() == 12 && sb.indexOf("1022") == 0) {
      sb.delete(0, 4);
    }
    if (sb.length() != 8) {
      return Optional.empty();
    }
    return Optional.of("1022-" + sb.substring(0, 4) + "-" + sb.substring(4).toUpperCase(Locale.ROOT));
  }
}
