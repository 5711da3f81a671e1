package org.hotline1022.gateway.adapter.webhook;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Bounded GETs against a platform's read API: the body is read up to a byte cap (the connection is
 * reset beyond it), the whole exchange has a deadline, and a 5xx or 429 is classified before the
 * body is looked at. What remains is a decoded JSON object with its status, for the platform's own
 * error envelope. Never throws; every failure is a {@link ReadApiException}.
 */
public final class ReadApi {
  /** A JSON answer: the platform classifies its own error envelope. */
  public record Answer(int status, JsonObject body) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final int maxBytes;
  private final long timeoutMs;

  public ReadApi(Vertx vertx, HttpClient client, int maxBytes, long timeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.maxBytes = maxBytes;
    this.timeoutMs = timeoutMs;
  }

  public Future<Answer> get(String absoluteUri, Map<String, String> headers) {
    Promise<Answer> done = Promise.promise();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(absoluteUri)
        .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
    headers.forEach(options::putHeader);
    long timer = vertx.setTimer(timeoutMs, t -> done.tryFail(new ReadApiException(RunOutcome.TIMEOUT, "no answer in time")));
    client.request(options)
        .compose(req -> {
          done.future().onFailure(e -> req.reset()); // timed out or refused mid-body: drop the connection
          return req.send().onSuccess(resp -> read(resp, done));
        })
        .onFailure(e -> done.tryFail(e instanceof TimeoutException || String.valueOf(e.getMessage()).contains("timeout")
            ? new ReadApiException(RunOutcome.TIMEOUT, "no answer in time")
            : new ReadApiException(RunOutcome.UNREACHABLE, "read API not reachable")));
    return done.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private void read(HttpClientResponse resp, Promise<Answer> done) {
    // first: a reset of our own (refused status, too large, timed out) must not be logged as an error
    resp.exceptionHandler(e -> done.tryFail(new ReadApiException(RunOutcome.UNREACHABLE, "answer broken off")));
    int status = resp.statusCode();
    if (status >= 500 || status == 429) {
      done.tryFail(new ReadApiException(status == 429 ? RunOutcome.RATE_LIMITED : RunOutcome.HTTP_5XX, "HTTP " + status));
      return;
    }
    String length = resp.getHeader("Content-Length");
    if (length != null && tooLong(length)) {
      done.tryFail(new ReadApiException(RunOutcome.TOO_LARGE, "answer over " + maxBytes + " bytes"));
      return;
    }
    Buffer body = Buffer.buffer();
    resp.handler(chunk -> {
      if (body.length() + chunk.length() > maxBytes) {
        done.tryFail(new ReadApiException(RunOutcome.TOO_LARGE, "answer over " + maxBytes + " bytes"));
      } else {
        body.appendBuffer(chunk);
      }
    });
    resp.endHandler(v -> {
      try {
        done.tryComplete(new Answer(status, JsonFields.object(body)));
      } catch (MalformedPayload e) {
        done.tryFail(new ReadApiException(status >= 400 ? RunOutcome.HTTP_ERROR : RunOutcome.MALFORMED, "answer is not a JSON object"));
      }
    });
  }

  private boolean tooLong(String length) {
    try {
      return Long.parseLong(length.strip()) > maxBytes;
    } catch (NumberFormatException e) {
      return false; // chunked or nonsense: the running count decides
    }
  }
}
