package org.hotline1022.gateway.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming downloads with a size cap, against a local server that sends chunked bodies with no length. */
class MediaFetchTest {
  static Vertx vertx;
  static HttpServer server;
  static HttpClient client;
  static final AtomicLong written = new AtomicLong();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      int n = Integer.parseInt(req.getParam("n"));
      var resp = req.response().setChunked(true).putHeader("Content-Type", req.getParam("type") == null ? "image/png; q=1" : req.getParam("type"));
      Random r = new Random(n);
      // 64 KiB chunks until n bytes or the client goes away
      writeChunks(resp, r, n);
    });
    server.listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  static void writeChunks(io.vertx.core.http.HttpServerResponse resp, Random r, int left) {
    if (left <= 0) {
      resp.end();
      return;
    }
    byte[] b = new byte[Math.min(left, 65536)];
    r.nextBytes(b);
    written.addAndGet(b.length);
    resp.write(Buffer.buffer(b)).onComplete(ar -> {
      if (ar.succeeded()) {
        writeChunks(resp, r, left - b.length);
      }
    });
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** No guard: these tests are about the body, not the target. */
  static io.vertx.core.Future<io.vertx.core.http.RequestOptions> any(String url) {
    return io.vertx.core.Future.succeededFuture(new io.vertx.core.http.RequestOptions().setAbsoluteURI(url));
  }

  String url(int n, String type) {
    return "http://127.0.0.1:" + server.actualPort() + "/f?n=" + n + (type == null ? "" : "&type=" + type);
  }

  @Test
  void aChunkedBodyUnderTheCapIsCollectedAndHashed() throws Exception {
    MediaFetch.Fetched f = MediaFetch.get(client, MediaFetchTest::any, url(300_000, null), 1_000_000, 10_000, 0).await();
    byte[] expected = new byte[300_000];
    Random r = new Random(300_000);
    for (int off = 0; off < expected.length; off += 65536) {
      byte[] chunk = new byte[Math.min(65536, expected.length - off)];
      r.nextBytes(chunk);
      System.arraycopy(chunk, 0, expected, off, chunk.length);
    }
    assertThat(f.bytes().getBytes()).isEqualTo(expected);
    assertThat(f.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected)));
    assertThat(f.contentType()).isEqualTo("image/png");
  }

  @Test
  void aChunkedBodyOverTheCapIsCutOffWithoutReadingItAll() {
    long before = written.get();
    Throwable failure = MediaFetch.get(client, MediaFetchTest::any, url(50_000_000, null), 200_000, 10_000, 0).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(MediaFetch.TooLarge.class);
    // the server stops soon after the reset: far less than the 50 MB it would send
    assertThat(written.get() - before).isLessThan(20_000_000);
  }

  @Test
  void oddContentTypesBecomeOctetStream() {
    assertThat(MediaFetch.contentType("IMAGE/JPEG; charset=x")).isEqualTo("image/jpeg");
    assertThat(MediaFetch.contentType("text/html\r\nX-Evil: 1")).isEqualTo("application/octet-stream");
    assertThat(MediaFetch.contentType("")).isEqualTo("application/octet-stream");
    assertThat(MediaFetch.contentType(null)).isEqualTo("application/octet-stream");
  }
}
