package org.hotline1022.gateway.config;

/**
 * How agent tokens are verified. {@code jwtSecret} comes from {@code HOTLINE_JWT_SECRET} only.
 *
 * @param publicKeyFile PEM public key for RS256, or empty
 * @param privateKeyFile PEM PKCS#8 private key for minting RS256 tokens, or empty
 */
public record AuthConfig(String jwtSecret, String publicKeyFile, String privateKeyFile, String issuer) {
  public boolean rs256() {
    return publicKeyFile != null && !publicKeyFile.isBlank();
  }

  @Override
  public String toString() {
    return "AuthConfig[jwtSecret=" + (jwtSecret == null || jwtSecret.isEmpty() ? "(unset)" : "***") + ", publicKeyFile="
        + publicKeyFile + ", issuer=" + issuer + "]";
  }
}
