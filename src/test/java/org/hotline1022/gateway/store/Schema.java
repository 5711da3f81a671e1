package org.hotline1022.gateway.store;

/** Brings a test's database up to the current schema (Flyway, blocking: call from the test thread). */
public final class Schema {
  private Schema() {}

  public static DbEndpoint migrated(String url) {
    DbEndpoint ep = DbEndpoint.fromUrl(url, 5000);
    DatabaseVerticle.migrate(ep);
    return ep;
  }
}
