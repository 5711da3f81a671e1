package org.hotline1022.gateway.adapter.webhook.facebook;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.obj;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.adapter.webhook.ReadApi;
import org.hotline1022.gateway.adapter.webhook.ReadApiException;
import org.hotline1022.gateway.adapter.webhook.RunOutcome;
import org.hotline1022.gateway.config.ReconcileConfig;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * One Facebook reconciliation run: the window, what was read so far, the budget (messages,
 * conversations or posts, requests) and the Graph GET with its error envelope. Used on one event loop.
 */
final class GraphRun {
  final Instant since;
  final String base;
  final List<Inbound> out = new ArrayList<>();
  /** Conversations (and posts, when comments are read) taken so far. */
  int threads;
  private int requests;
  private final ReconcileConfig config;
  private final ReadApi api;
  private final String token;

  GraphRun(Instant since, String base, ReconcileConfig config, ReadApi api, String token) {
    this.since = since;
    this.base = base;
    this.config = config;
    this.api = api;
    this.token = token;
  }

  /** Enough messages, or the request budget spent (a Graph that keeps answering "next page" with nothing cannot loop). */
  boolean full() {
    return out.size() >= config.maxMessages() || requests >= 2 * (config.maxConversations() + config.maxMessages() / config.pageSize()) + 10;
  }

  /** Room left for messages, counting those held back for a thread not yet finished. */
  boolean room(List<Inbound> pending) {
    return out.size() + pending.size() < config.maxMessages();
  }

  /** A thread's messages, read newest first, join the run oldest first. */
  void keep(List<Inbound> taken) {
    List<Inbound> oldestFirst = new ArrayList<>(taken);
    Collections.reverse(oldestFirst);
    out.addAll(oldestFirst);
    taken.clear();
  }

  <T> Future<T> get(String url, Function<JsonObject, T> parse) {
    requests++;
    return api.get(url, Map.of("Authorization", "Bearer " + token)).compose(answer -> {
      RunOutcome error = graphError(answer);
      if (error != null) {
        return Future.failedFuture(new ReadApiException(error, "Graph answered " + answer.status()));
      }
      try {
        return Future.succeededFuture(parse.apply(answer.body()));
      } catch (MalformedPayload e) {
        return Future.failedFuture(new ReadApiException(RunOutcome.MALFORMED, "not a Graph page: " + e.getMessage()));
      }
    });
  }

  /** Graph's error envelope {@code {"error":{"code",...}}}, also with a non-200 status; null when it is data. */
  static RunOutcome graphError(ReadApi.Answer answer) {
    JsonObject error = obj(answer.body(), "error");
    if (error == null) {
      return answer.status() / 100 == 2 ? null : RunOutcome.HTTP_ERROR;
    }
    String code = str(error, "code");
    return switch (code == null ? "" : code) {
      case "190" -> RunOutcome.TOKEN_INVALID;
      case "4", "17", "32", "613" -> RunOutcome.RATE_LIMITED;
      default -> RunOutcome.API_ERROR;
    };
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
