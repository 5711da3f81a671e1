package org.hotline1022.gateway.adapter.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Digest helpers for the providers: raw bytes in, constant-time comparison out. */
public final class Signatures {
  private Signatures() {}

  public static byte[] hmacSha256(String secret, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A plain SHA-256 over the parts in order (Zalo's mac is not an HMAC). */
  public static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** Hex in either case to bytes; null when it is not hex of the expected length. */
  public static byte[] fromHex(String hex, int expectedBytes) {
    if (hex == null || hex.length() != expectedBytes * 2) {
      return null;
    }
    byte[] out = new byte[expectedBytes];
    for (int i = 0; i < expectedBytes; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  public static String toHex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  /** Constant time whatever the inputs; a null never matches. */
  public static boolean same(byte[] expected, byte[] given) {
    return expected != null && given != null && MessageDigest.isEqual(expected, given);
  }

  /** Constant-time equality of two configured/received tokens. */
  public static boolean sameText(String expected, String given) {
    return expected != null && given != null && !expected.isEmpty()
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
