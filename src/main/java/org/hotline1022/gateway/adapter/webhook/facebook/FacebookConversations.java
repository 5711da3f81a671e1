package org.hotline1022.gateway.adapter.webhook.facebook;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.obj;
import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;

import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import io.vertx.core.json.JsonObject;
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
 * Reads the Page's Messenger conversations through Graph for reconciliation:
 * {@code GET {graph}/{version}/{page-id}/conversations?platform=messenger&fields=id,updated_time,messages.limit(n){...}}
 * newest first, following {@code paging.cursors.after} while conversations were updated inside the
 * window, then {@code /{conversation-id}/messages} pages while a conversation's messages are. Page
 * token as {@code Authorization: Bearer}. Bounded by conversations, messages and requests per run.
 */
public final class FacebookConversations implements PlatformReader {
  private static final String MESSAGE_FIELDS = "id,created_time,from,message,attachments";

  private final WebhookConfig webhooks;
  private final ReconcileConfig config;
  private final ReadApi api;

  public FacebookConversations(WebhookConfig webhooks, ReconcileConfig config, ReadApi api) {
    this.webhooks = webhooks;
    this.config = config;
    this.api = api;
  }

  @Override
  public Channel channel() {
    return Channel.FACEBOOK;
  }

  /** The Page's id: configured, else asked once of Graph ({@code /me} with a Page token is the Page). */
  private String pageId;

  @Override
  public boolean configured() {
    return !webhooks.facebookPageToken().isEmpty();
  }

  /** What one run has read so far, and its budget. */
  private final class Run {
    final Instant since;
    final List<Inbound> out = new ArrayList<>();
    int conversations;
    int requests;

    Run(Instant since) {
      this.since = since;
    }

    boolean full() {
      return out.size() >= config.maxMessages() || requests >= 2 * (config.maxConversations() + config.maxMessages() / config.pageSize()) + 10;
    }
  }

  @Override
  public Future<Fetched> fetch(Instant since) {
    Run run = new Run(since);
    return pageId(run).compose(id -> conversations(run, null))
        .transform(ar -> Future.succeededFuture(new Fetched(run.out, ar.failed() ? asRead(ar.cause()) : null)));
  }

  private Future<String> pageId(Run run) {
    if (pageId == null && !config.facebookPageId().isEmpty()) {
      pageId = config.facebookPageId();
    }
    if (pageId != null) {
      return Future.succeededFuture(pageId);
    }
    return get(run, base() + "/me?fields=id", root -> {
      String id = str(root, "id");
      if (id == null) {
        throw new MalformedPayload("no id");
      }
      return id;
    }).onSuccess(id -> pageId = id);
  }

  private Future<Void> conversations(Run run, String after) {
    String url = base() + "/" + enc(pageId) + "/conversations?platform=messenger&limit=" + config.pageSize()
        + "&fields=" + enc("id,updated_time,messages.limit(" + config.pageSize() + "){" + MESSAGE_FIELDS + "}")
        + (after == null ? "" : "&after=" + enc(after));
    return get(run, url, root -> FacebookReadPayloads.conversations(root, pageId)).compose(page -> {
      Future<Void> chain = Future.succeededFuture();
      boolean older = false;
      for (FacebookReadPayloads.Conversation c : page.items()) {
        if (c.updated().isBefore(run.since)) {
          older = true; // newest first: the rest is older still
          break;
        }
        if (run.conversations >= config.maxConversations()) {
          break;
        }
        run.conversations++;
        List<Inbound> taken = new ArrayList<>();
        chain = chain.compose(v -> messages(run, c.id(), c.messages(), taken));
      }
      boolean more = !older && page.after() != null;
      return chain.compose(v -> more && run.conversations < config.maxConversations() && !run.full()
          ? conversations(run, page.after()) : Future.succeededFuture());
    });
  }

  /** Takes one page of a conversation's messages (newest first), then the next while inside the window. */
  private Future<Void> messages(Run run, String conversationId, FacebookReadPayloads.Page<FacebookReadPayloads.Message> page,
      List<Inbound> taken) {
    boolean older = false;
    for (FacebookReadPayloads.Message m : page.items()) {
      if (m.createdAt().isBefore(run.since)) {
        older = true;
        break;
      }
      if (m.inbound() != null && run.out.size() + taken.size() < config.maxMessages()) {
        taken.add(m.inbound());
      }
    }
    if (!older && page.after() != null && run.out.size() + taken.size() < config.maxMessages() && !run.full()) {
      String url = base() + "/" + enc(conversationId) + "/messages?limit=" + config.pageSize() + "&fields=" + enc(MESSAGE_FIELDS)
          + "&after=" + enc(page.after());
      return get(run, url, root -> FacebookReadPayloads.messages(root, pageId))
          .compose(next -> messages(run, conversationId, next, taken))
          .onFailure(e -> keep(run, taken)); // what was read before the error still counts
    }
    keep(run, taken);
    return Future.succeededFuture();
  }

  private static void keep(Run run, List<Inbound> taken) {
    List<Inbound> oldestFirst = new ArrayList<>(taken);
    Collections.reverse(oldestFirst);
    run.out.addAll(oldestFirst);
    taken.clear();
  }

  private <T> Future<T> get(Run run, String url, Function<JsonObject, T> parse) {
    run.requests++;
    return api.get(url, Map.of("Authorization", "Bearer " + webhooks.facebookPageToken())).compose(answer -> {
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

  private static ReadApiException asRead(Throwable failure) {
    return failure instanceof ReadApiException e ? e : new ReadApiException(RunOutcome.UNREACHABLE, String.valueOf(failure.getMessage()));
  }

  private String base() {
    return webhooks.graphBaseUrl() + "/" + webhooks.graphVersion();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
