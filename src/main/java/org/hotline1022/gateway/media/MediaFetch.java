package org.hotline1022.gateway.media;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One download, streamed: the bytes are collected up to {@code maxBytes} (a larger body, announced
 * or not, is cut off at once and reported {@link TooLarge}) and hashed as they arrive. Redirects are
 * followed by hand, each hop checked by a {@link Target} before it is connected to.
 */
final class MediaFetch {
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
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

  /** A failure; {@code permanent} when retrying cannot help (the URL is gone or malformed). */
  static final class Failed extends RuntimeException {
    final boolean permanent;

    Failed(boolean permanent, String code) {
      super(code, null, false, false);
      this.permanent = permanent;
    }
  }

  /** The URL, or a redirect hop, must not be fetched (media.allowedHosts and friends); never retried. */
  static final class Refused extends RuntimeException {
    Refused(String code) {
      super(code, null, false, false);
    }
  }

  /** Where one URL may be fetched from: options ready to send, or a {@link Refused}/{@link Failed} failure. */
  interface Target {
    Future<RequestOptions> options(String url);
  }

  private MediaFetch() {}

  /**
   * Fetches {@code url}, following at most {@code maxRedirects} redirects by hand so that every hop
   * passes {@code target} before anything is sent to it.
   */
  static Future<Fetched> get(HttpClient client, Target target, String url, long maxBytes, int timeoutMs, int maxRedirects) {
    return hop(client, target, url, maxBytes, timeoutMs, maxRedirects)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(e instanceof TooLarge || e instanceof Failed || e instanceof Refused ? e : new Failed(false, "timeout")));
  }

  private static Future<Fetched> hop(HttpClient client, Target target, String url, long maxBytes, int timeoutMs, int redirectsLeft) {
    return target.options(url)
        .compose(options -> client.request(options.setMethod(HttpMethod.GET).setFollowRedirects(false).setConnectTimeout(timeoutMs)
                .setIdleTimeout(timeoutMs))
            .compose(req -> req.send())
            .recover(e -> Future.failedFuture(new Failed(false, "unreachable"))))
        .compose(resp -> {
          String location = REDIRECTS.contains(resp.statusCode()) ? resp.getHeader("Location") : null;
          if (location == null) {
            return read(resp, maxBytes);
          }
          discard(resp);
          if (redirectsLeft <= 0) {
            return Future.failedFuture(new Failed(true, "too_many_redirects"));
          }
          String next = resolve(url, location);
          return next == null ? Future.failedFuture(new Failed(true, "bad_redirect"))
              : hop(client, target, next, maxBytes, timeoutMs, redirectsLeft - 1);
        });
  }

  /** {@code location} (absolute or relative) against {@code base}; null when either is not a URI. */
  static String resolve(String base, String location) {
    try {
      URI loc = new URI(location.strip());
      return loc.isAbsolute() ? loc.toString() : new URI(base).resolve(loc).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  private static Future<Fetched> read(HttpClientResponse resp, long maxBytes) {
    int status = resp.statusCode();
    if (status / 100 != 2) {
      discard(resp);
      // 408, 429 and 5xx may pass; any other refusal (403/404/410: an expired link) will not
      boolean transientStatus = status == 408 || status == 429 || status >= 500;
      return Future.failedFuture(new Failed(!transientStatus, "http_" + status));
    }
    String type = contentType(resp.getHeader("Content-Type"));
    Long announced = length(resp.getHeader("Content-Length"));
    if (announced != null && announced > maxBytes) {
      discard(resp);
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

  /**
   * Drops the rest of a response that is not read; the reset is expected, so it is not logged as an
   * error. A short body (a redirect's, an error page's) often arrives with the head and is read in
   * full before this runs: Vert.x then refuses a handler with IllegalStateException, which surfaced
   * as a "timeout" and turned a refused hop or a 404 into a transient failure (MediaGuardTest, about
   * one run in eight).
   */
  private static void discard(HttpClientResponse resp) {
    try {
      resp.exceptionHandler(e -> {});
    } catch (IllegalStateException readInFull) {
      return;
    }
    resp.request().reset();
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
