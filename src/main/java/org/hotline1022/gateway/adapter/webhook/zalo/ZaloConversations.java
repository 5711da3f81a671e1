package org.hotline1022.gateway.adapter.webhook.zalo;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.hotline1022.gateway.adapter.webhook.MalformedPayload;
import org.hotline1022.gateway.adapter.webhook.PlatformReader;
import org.hotline1022.gateway.adapter.webhook.ReadApi;
import org.hotline1022.gateway.adapter.webhook.ReadApiException;
import org.hotline1022.gateway.adapter.webhook.RunOutcome;
import org.hotline1022.gateway.config.ReconcileConfig;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * Reads recent Zalo OA chats for reconciliation through the v2.0 message-management API (the one
 * the docs list; there is no v3 read endpoint in them): {@code GET {api}/v2.0/oa/listrecentchat?data={"offset","count"}}
 * to find who wrote recently, then {@code GET {api}/v2.0/oa/conversation?data={"user_id","offset","count"}}
 * per user, 10 items per request (the documented maximum), newest first, header {@code access_token}.
 * Bounded by users, messages and requests per run.
 */
public final class ZaloConversations implements PlatformReader {
  static final int PAGE = 10;

  private final WebhookConfig webhooks;
  private final ReconcileConfig config;
  private final ReadApi api;
  private final Supplier<Future<String>> accessToken;

  public ZaloConversations(WebhookConfig webhooks, ReconcileConfig config, ReadApi api, Supplier<Future<String>> accessToken) {
    this.webhooks = webhooks;
    this.config = config;
    this.api = api;
    this.accessToken = accessToken;
  }

  @Override
  public Channel channel() {
    return Channel.ZALO;
  }

  @Override
  public boolean configured() {
    return webhooks.zaloConfigured();
  }

  private final class Run {
    final Instant since;
    final String token;
    final Set<String> users = new LinkedHashSet<>();
    final Set<String> seen = new HashSet<>();
    final List<Inbound> out = new ArrayList<>();
    int requests;

    Run(Instant since, String token) {
      this.since = since;
      this.token = token;
    }

    boolean exhausted() {
      return out.size() >= config.maxMessages() || requests >= config.maxConversations() + config.maxMessages() / PAGE * 2 + 10;
    }
  }

  @Override
  public Future<Fetched> fetch(Instant since) {
    return accessToken.get()
        .transform(ar -> ar.succeeded() && ar.result() != null && !ar.result().isBlank() ? Future.succeededFuture(ar.result())
            : Future.<String>failedFuture(new ReadApiException(RunOutcome.NO_ACCESS_TOKEN, "no Zalo OA access token")))
        .transform(token -> {
          if (token.failed()) {
            return Future.succeededFuture(new Fetched(List.of(), (ReadApiException) token.cause()));
          }
          Run run = new Run(since, token.result());
          return recent(run, 0).compose(v -> users(run, new ArrayList<>(run.users), 0))
              .transform(ar -> Future.succeededFuture(new Fetched(run.out, ar.failed() ? asRead(ar.cause()) : null)));
        });
  }

  /** Pages of the OA's recent chats, newest first, until one is older than the window. */
  private Future<Void> recent(Run run, int offset) {
    return get(run, "/v2.0/oa/listrecentchat", "{\"offset\":" + offset + ",\"count\":" + PAGE + "}").compose(root -> {
      List<ZaloReadPayloads.Item> items = ZaloReadPayloads.items(root, oaId(), null);
      boolean older = false;
      for (ZaloReadPayloads.Item item : items) {
        if (item.time().isBefore(run.since)) {
          older = true;
          break;
        }
        if (run.users.size() < config.maxConversations()) {
          run.users.add(item.userId());
        }
      }
      boolean more = !older && size(root) >= PAGE && run.users.size() < config.maxConversations() && !run.exhausted();
      return more ? recent(run, offset + PAGE) : Future.succeededFuture();
    });
  }

  private Future<Void> users(Run run, List<String> users, int i) {
    if (i >= users.size() || run.exhausted()) {
      return Future.succeededFuture();
    }
    List<Inbound> taken = new ArrayList<>();
    return conversation(run, users.get(i), 0, taken)
        .onComplete(ar -> keep(run, taken)) // what was read before an error still counts
        .compose(v -> users(run, users, i + 1));
  }

  private Future<Void> conversation(Run run, String user, int offset, List<Inbound> taken) {
    String data = "{\"user_id\":" + userId(user) + ",\"offset\":" + offset + ",\"count\":" + PAGE + "}";
    return get(run, "/v2.0/oa/conversation", data).compose(root -> {
      boolean older = false;
      for (ZaloReadPayloads.Item item : ZaloReadPayloads.items(root, oaId(), user)) {
        if (item.time().isBefore(run.since)) {
          older = true;
          break;
        }
        Inbound in = item.inbound();
        // only this user's own messages: a hostile answer must not slip other threads in
        if (in != null && user.equals(item.userId()) && run.out.size() + taken.size() < config.maxMessages() && run.seen.add(in.externalId())) {
          taken.add(in);
        }
      }
      boolean more = !older && size(root) >= PAGE && run.out.size() + taken.size() < config.maxMessages() && !run.exhausted();
      return more ? conversation(run, user, offset + PAGE, taken) : Future.succeededFuture();
    });
  }

  private String oaId() {
    return config.zaloOaId().isEmpty() ? null : config.zaloOaId();
  }

  private static void keep(Run run, List<Inbound> taken) {
    List<Inbound> oldestFirst = new ArrayList<>(taken);
    Collections.reverse(oldestFirst);
    run.out.addAll(oldestFirst);
    taken.clear();
  }

  private Future<JsonObject> get(Run run, String path, String data) {
    run.requests++;
    String url = webhooks.zaloApiBaseUrl() + path + "?data=" + URLEncoder.encode(data, StandardCharsets.UTF_8);
    return api.get(url, Map.of("access_token", run.token)).compose(answer -> {
      RunOutcome error = zaloError(answer);
      if (error != null) {
        return Future.failedFuture(new ReadApiException(error, "Zalo answered " + answer.status()));
      }
      try {
        ZaloReadPayloads.items(answer.body(), null, null); // validates the envelope before anything is taken from it
        return Future.succeededFuture(answer.body());
      } catch (MalformedPayload e) {
        return Future.failedFuture(new ReadApiException(RunOutcome.MALFORMED, "not a Zalo answer: " + e.getMessage()));
      }
    });
  }

  /** Zalo reports errors with HTTP 200 and a non-zero {@code error}; null when it is data. */
  static RunOutcome zaloError(ReadApi.Answer answer) {
    String error = str(answer.body(), "error");
    if (answer.status() / 100 != 2) {
      return error != null && isTokenError(error) ? RunOutcome.TOKEN_INVALID : RunOutcome.HTTP_ERROR;
    }
    if (error == null) {
      return RunOutcome.MALFORMED;
    }
    if (isTokenError(error)) {
      return RunOutcome.TOKEN_INVALID;
    }
    return switch (error) {
      case "0" -> null;
      case "-32" -> RunOutcome.RATE_LIMITED;
      default -> RunOutcome.API_ERROR;
    };
  }

  private static boolean isTokenError(String error) {
    return error.equals("-216") || error.equals("-220") || error.equals("-124");
  }

  private static int size(JsonObject root) {
    return root.getValue("data") instanceof JsonArray a ? a.size() : 0;
  }

  /** The docs send {@code user_id} as a JSON number; anonymous users' ids are hex, so those go quoted. */
  static String userId(String user) {
    return user.chars().allMatch(c -> c >= '0' && c <= '9') && user.length() <= 30 ? user : io.vertx.core.json.Json.encode(user);
  }

  private static ReadApiException asRead(Throwable failure) {
    return failure instanceof ReadApiException e ? e : new ReadApiException(RunOutcome.MALFORMED, String.valueOf(failure.getMessage()));
  }
}
