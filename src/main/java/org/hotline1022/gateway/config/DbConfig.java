package org.hotline1022.gateway.config;

/**
 * Where Postgres is. {@code url} empty means: start the embedded server under the data folder.
 *
 * @param url {@code postgresql://user:pass@host:port/db}, or empty
 */
public record DbConfig(String url, int poolSize, int connectTimeoutMs, int embeddedPort) {
  public boolean embedded() {
    return url == null || url.isBlank();
  }

  /** The URL with any password masked, for logs. */
  public String safeUrl() {
    return embedded() ? "(embedded)" : url.replaceAll("://([^:/@]*):[^@]*@", "://$1:***@");
  }
}
