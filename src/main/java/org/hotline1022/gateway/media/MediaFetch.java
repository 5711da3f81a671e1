package org.hotline1022.gateway.media;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One download, streamed: the bytes are collected up to {@code maxBytes} (a larger body, announced
 * or not, is cut off at once and reported {@link TooLarge}) and hashed as they arrive.
 */
final class MediaFetch {
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}");

  /** The stored result. */
  record Fetched(Buffer bytes, String contentType, String sha256) {}

  /** The body is over the cap; {@code size} is the announced length when there was one. */
  static final class TooLarge extends RuntimeException {
    final Long size;
    final String contentType;

    TooLarge(Long size, String contentType) {
      super("larger than the cap", null, false, false);
      this.size = size;
      this.contentType = contentType;
    }
  }

  /** A failure; {@code permanent} when retrying cannot help (the URL is gone or refused). */
  static final class Failed extends RuntimeException {
    final boolean permanent;

    Failed(boolean permanent, String code) {
      super(code, null, false, false);
      this.permanent = permanent;
    }
  }

  private MediaFetch() {}

  static Future<Fetched> get(HttpClient client, String url, long maxBytes, int timeoutMs) {
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setFollowRedirects(true)
          .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
    } catch (RuntimeException badUrl) {
      return Future.failedFuture(new Failed(true, "bad_url"));
    }
    return client.request(options)
        .compose(req -> req.send())
        .recover(e -> Future.failedFuture(new Failed(false, "unreachable")))
        .compose(resp -> read(resp, maxBytes))
        .timeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(e instanceof TooLarge || e instanceof Failed ? e : new Failed(false, "timeout")));
  }

  private static Future<Fetched> read(HttpClientResponse resp, long maxBytes) {
    int status = resp.statusCode();
    if (status / 100 != 2) {
      resp.request().reset();
      // 408, 429 and 5xx may pass; any other refusal (403/404/410: an expired link) will not
      boolean transientStatus = status == 408 || status == 429 || status >= 500;
      return Future.failedFuture(new Failed(!transientStatus, "http_" + status));
    }
    String type = contentType(resp.getHeader("Content-Type"));
    Long announced = length(resp.getHeader("Content-Length"));
    if (announced != null && announced > maxBytes) {
      resp.request().reset();
      return Future.failedFuture(new TooLarge(announced, type));
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      return Future.failedFuture(e);
    }
    Promise<Fetched> done = Promise.promise();
    Buffer bytes = Buffer.buffer((int) Math.min(announced == null ? 64 * 1024 : announced, maxBytes));
    resp.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      if (bytes.length() + (long) chunk.length() > maxBytes) {
        done.tryFail(new TooLarge(null, type));
        resp.request().reset();
        return;
      }
      bytes.appendBuffer(chunk);
      sha.update(chunk.getBytes());
    });
    resp.exceptionHandler(e -> done.tryFail(new Failed(false, "truncated")));
    resp.endHandler(v -> done.tryComplete(new Fetched(bytes, type, HexFormat.of().formatHex(sha.digest()))));
    return done.future();
  }

  /** The media type without parameters, lower case, or {@code application/octet-stream} when absent or odd. */
  static String contentType(String header) {
    if (header == null) {
      return "application/octet-stream";
    }
    int semi = header.indexOf(';');
    String t = (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    return MEDIA_TYPE.matcher(t).matches() ? t : "application/octet-stream";
  }

  private static Long length(String header) {
    try {
      return header == null ? null : Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
