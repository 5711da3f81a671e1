package org.hotline1022.gateway.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.hotline1022.gateway.config.AuthConfig;

/**
 * Where the token keys come from: {@code HOTLINE_JWT_SECRET} (HS256), or PEM files (RS256). Only the
 * embedded demo may fall back to a random secret generated at first start and kept in the data
 * folder; a deployment with a real database must configure a key. Blocking: startup only.
 *
 * @param verifyKey the HS256 secret or the RS256 public key PEM
 * @param signKey the HS256 secret or the RS256 private key PEM (null when it cannot sign)
 */
public record AuthKeys(String algorithm, String verifyKey, String signKey, String issuer) {
  private static final int MIN_SECRET_BYTES = 32;

  public static AuthKeys resolve(AuthConfig config, Path dataDir, boolean embeddedDemo) {
    try {
      if (config.rs256()) {
        String pub = Files.readString(Path.of(config.publicKeyFile()), StandardCharsets.US_ASCII);
        String priv = config.privateKeyFile().isBlank() ? null : Files.readString(Path.of(config.privateKeyFile()), StandardCharsets.US_ASCII);
        return new AuthKeys("RS256", pub, priv, config.issuer());
      }
      String secret = config.jwtSecret();
      if (secret == null || secret.isEmpty()) {
        if (!embeddedDemo) {
          throw new IllegalStateException("set HOTLINE_JWT_SECRET (at least 32 bytes) or auth.publicKeyFile: agents cannot sign in otherwise");
        }
        secret = demoSecret(dataDir);
      }
      if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
        throw new IllegalStateException("HOTLINE_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
      }
      return new AuthKeys("HS256", secret, secret, config.issuer());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token keys", e);
    }
  }

  /** The embedded demo's secret: generated once, kept readable by its owner only. */
  static String demoSecret(Path dataDir) throws IOException {
    Path file = dataDir.resolve("jwt-secret");
    if (Files.isRegularFile(file)) {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
    Files.createDirectories(dataDir);
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Path tmp = Files.createTempFile(dataDir, "jwt-secret", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the data folder's own permissions protect it
    }
    Files.writeString(tmp, secret, StandardCharsets.US_ASCII);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return secret;
  }
}
