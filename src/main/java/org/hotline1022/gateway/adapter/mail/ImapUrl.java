package org.hotline1022.gateway.adapter.mail;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code imap[s]://user:password@host:port/FOLDER}. {@link #mailbox()} names the mailbox without
 * the password (checkpoint key, logs); {@link #toString()} never shows the password.
 */
public record ImapUrl(boolean tls, String user, String password, String host, int port, String folder) {

  public static ImapUrl parse(String url) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("HOTLINE_IMAP_URL: not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("imap") && !scheme.equals("imaps")) {
      throw new IllegalArgumentException("HOTLINE_IMAP_URL: scheme must be imap or imaps");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("HOTLINE_IMAP_URL: no host");
    }
    boolean tls = scheme.equals("imaps");
    String info = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo();
    int colon = info.indexOf(':');
    String user = decode(colon < 0 ? info : info.substring(0, colon));
    String password = colon < 0 ? "" : decode(info.substring(colon + 1));
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    return new ImapUrl(tls, user, password, uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 993 : 143,
        path.isBlank() ? "INBOX" : path);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  public String protocol() {
    return tls ? "imaps" : "imap";
  }

  /** The checkpoint key: account, server and folder. */
  public String mailbox() {
    return user + "@" + host + ":" + port + "/" + folder;
  }

  @Override
  public String toString() {
    return protocol() + "://" + mailbox();
  }
}
