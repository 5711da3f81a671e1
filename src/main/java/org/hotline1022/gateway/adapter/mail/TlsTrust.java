package org.hotline1022.gateway.adapter.mail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A socket factory trusting exactly the CA certificates of a PEM file ({@code mail.trustCaFile}),
 * for a mail server with a private or self-signed certificate. Host names are still checked; there
 * is no trust-all mode.
 */
final class TlsTrust {
  private TlsTrust() {}

  static SSLSocketFactory fromPem(String file) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int n = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + n++, c);
      }
      if (n == 0) {
        throw new IllegalArgumentException("mail.trustCaFile: no certificate in " + file);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("mail.trustCaFile: cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
