package org.hotline1022.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.hotline1022.gateway.config.MediaConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard with Vert.x's real resolver, against a local server that counts connections: a refused
 * URL (scheme, host, address, or a redirect hop) is never connected to.
 */
class MediaGuardTest {
  static Vertx vertx;
  static HttpServer server;
  static HttpClient client;
  static final AtomicInteger connections = new AtomicInteger();
  static final Queue<String> paths = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().connectionHandler(c -> connections.incrementAndGet()).requestHandler(req -> {
      paths.add(req.path());
      String to = req.getParam("to");
      if (to != null) {
        req.response().setStatusCode(302).putHeader("Location", to).end("moved");
      } else {
        req.response().putHeader("Content-Type", "image/png").end("png-bytes");
      }
    });
    server.listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void reset() {
    connections.set(0);
    paths.clear();
  }

  static MediaConfig config(List<String> zaloHosts, boolean allowHttp, boolean allowPrivate, int maxRedirects) {
    return new MediaConfig(true, 1 << 20, 3, 100, 1000, 10, 100, 2, 5000, Map.of(Channel.ZALO, zaloHosts), allowHttp, allowPrivate,
        maxRedirects);
  }

  String base(String host) {
    return "http://" + host + ":" + server.actualPort();
  }

  static String failure(Future<?> f) {
    Throwable t = f.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(t).as("a failure").isNotNull();
    return t.getClass().getSimpleName() + ":" + t.getMessage();
  }

  Future<MediaFetch.Fetched> fetch(MediaConfig config, Channel channel, String url) {
    MediaGuard guard = MediaGuard.of(vertx, config);
    return MediaFetch.get(client, u -> guard.target(channel, u), url, 1 << 20, 5000, config.maxRedirects());
  }

  @Test
  void aHostResolvingToLoopbackIsRefusedBeforeAnyConnection() {
    MediaConfig c = config(List.of("localhost", "127.0.0.1"), true, false, 3);
    assertThat(failure(fetch(c, Channel.ZALO, base("localhost") + "/a.png"))).isEqualTo("Refused:refused_address");
    assertThat(failure(fetch(c, Channel.ZALO, base("127.0.0.1") + "/a.png"))).isEqualTo("Refused:refused_address");
    assertThat(connections.get()).isZero();
  }

  @Test
  void plainHttpIsRefusedUnlessAllowed() {
    MediaConfig c = config(List.of("127.0.0.1"), false, true, 3);
    assertThat(failure(fetch(c, Channel.ZALO, base("127.0.0.1") + "/a.png"))).isEqualTo("Refused:refused_scheme");
    assertThat(connections.get()).isZero();
  }

  @Test
  void hostsOutsideTheChannelsListAreRefused() {
    MediaConfig c = config(List.of("127.0.0.1"), true, true, 3);
    assertThat(failure(fetch(c, Channel.FACEBOOK, base("127.0.0.1") + "/a.png"))).isEqualTo("Refused:refused_host");
    assertThat(failure(fetch(c, Channel.ZALO, base("localhost") + "/a.png"))).isEqualTo("Refused:refused_host");
    assertThat(failure(fetch(c, Channel.ZALO, base("2130706433") + "/a.png"))).isEqualTo("Refused:refused_host");
    assertThat(failure(fetch(c, Channel.ZALO, "http://127.0.0.1@localhost:" + server.actualPort() + "/a.png")))
        .isEqualTo("Refused:refused_host");
    assertThat(failure(fetch(c, null, base("127.0.0.1") + "/a.png"))).isEqualTo("Refused:refused_host");
    assertThat(connections.get()).isZero();
  }

  @Test
  void anAllowedUrlIsPinnedToTheCheckedAddress() {
    MediaConfig c = config(List.of("localhost"), true, true, 3);
    RequestOptions o = MediaGuard.of(vertx, c).target(Channel.ZALO, base("LOCALHOST.") + "/a.png").await();
    assertThat(((SocketAddress) o.getServer()).hostAddress()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(o.getHost()).isEqualTo("LOCALHOST."); // the Host header and SNI stay the URL's
  }

  /** Pinned to the address, a TLS download still presents and verifies the URL's host name (SNI, certificate check). */
  @Test
  void anHttpsDownloadPinnedToItsAddressVerifiesTheCertificateAgainstTheUrlsHost() {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    HttpServer tls = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()))
        .requestHandler(req -> req.response().putHeader("Content-Type", "image/png").end("tls-png")).listen(0, "127.0.0.1").await();
    HttpClient trusting = vertx.createHttpClient(new HttpClientOptions().setTrustOptions(cert.trustOptions()).setVerifyHost(true));
    try {
      MediaConfig c = config(List.of("localhost", "127.0.0.1"), false, true, 3);
      MediaGuard guard = MediaGuard.of(vertx, c);
      String url = "https://localhost:" + tls.actualPort() + "/a.png";
      assertThat(MediaFetch.get(trusting, u -> guard.target(Channel.ZALO, u), url, 1 << 20, 5000, 0).await().bytes().toString())
          .isEqualTo("tls-png");
      // the certificate names localhost, not 127.0.0.1: the check is really made, against the URL's host
      String byAddress = "https://127.0.0.1:" + tls.actualPort() + "/a.png";
      assertThat(failure(MediaFetch.get(trusting, u -> guard.target(Channel.ZALO, u), byAddress, 1 << 20, 5000, 0)))
          .isEqualTo("Failed:unreachable");
    } finally {
      trusting.close().await();
      tls.close().await();
    }
  }

  @Test
  void everyRedirectHopIsChecked() {
    MediaConfig c = config(List.of("127.0.0.1"), true, true, 3);
    // a relative redirect on an allowed host is followed
    assertThat(fetch(c, Channel.ZALO, base("127.0.0.1") + "/r?to=/b.png").await().bytes().toString()).isEqualTo("png-bytes");
    assertThat(paths).containsExactly("/r", "/b.png");
    paths.clear();
    // a hop to a host outside the list is refused and never requested
    String away = base("localhost") + "/internal";
    assertThat(failure(fetch(c, Channel.ZALO, base("127.0.0.1") + "/r?to=" + away))).isEqualTo("Refused:refused_host");
    assertThat(paths).containsExactly("/r");
    paths.clear();
    // a hop to another scheme
    assertThat(failure(fetch(c, Channel.ZALO, base("127.0.0.1") + "/r?to=file:///etc/passwd"))).isEqualTo("Failed:bad_url");
  }

  @Test
  void redirectsBeyondTheLimitAreGivenUp() {
    String url = base("127.0.0.1") + "/r0?to=" + "/r1?to=/r2";
    assertThat(failure(fetch(config(List.of("127.0.0.1"), true, true, 1), Channel.ZALO, url))).isEqualTo("Failed:too_many_redirects");
    assertThat(paths).containsExactly("/r0", "/r1");
  }
}
