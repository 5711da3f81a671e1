package org.hotline1022.gateway.adapter.webhook.facebook;

import static org.hotline1022.gateway.adapter.webhook.JsonFields.str;
import static org.hotline1022.gateway.adapter.webhook.facebook.GraphRun.enc;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
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
 * window, then {@code /{conversation-id}/messages} pages while a conversation's messages are; then,
 * when enabled, the Page feed's comments ({@link FacebookFeed}). Page token as
 * {@code Authorization: Bearer}. Bounded by conversations, messages and requests per run.
 */
public final class FacebookConversations implements PlatformReader {
  static final String MESSAGE_FIELDS = "id,created_time,from,message,attachments";

  private final WebhookConfig webhooks;
  private final ReconcileConfig config;
  private final ReadApi api;
  /** The Page's id: configured, else asked once of Graph ({@code /me} with a Page token is the Page). */
  private String pageId;

  public FacebookConversations(WebhookConfig webhooks, ReconcileConfig config, ReadApi api) {
    this.webhooks = webhooks;
    this.config = config;
    this.api = api;
  }

  @Override
  public Channel channel() {
    return Channel.FACEBOOK;
  }

  @Override
  public boolean configured() {
    return !webhooks.facebookPageToken().isEmpty();
  }

  @Override
  public Future<Fetched> fetch(Instant since) {
    GraphRun run = new GraphRun(since, webhooks.graphBaseUrl() + "/" + webhooks.graphVersion(), config, api, webhooks.facebookPageToken());
    return pageId(run).compose(id -> conversations(run, null))
        .compose(v -> config.facebookComments() && !run.full() ? FacebookFeed.read(run, pageId, config) : Future.succeededFuture())
        .transform(ar -> Future.succeededFuture(new Fetched(run.out, ar.failed() ? asRead(ar.cause()) : null)));
  }

  private Future<String> pageId(GraphRun run) {
    if (pageId == null && !config.facebookPageId().isEmpty()) {
      pageId = config.facebookPageId();
    }
    if (pageId != null) {
      return Future.succeededFuture(pageId);
    }
    return run.get(run.base + "/me?fields=id", root -> {
      String id = str(root, "id");
      if (id == null) {
        throw new MalformedPayload("no id");
      }
      return id;
    }).onSuccess(id -> pageId = id);
  }

  private Future<Void> conversations(GraphRun run, String after) {
    String url = run.base + "/" + enc(pageId) + "/conversations?platform=messenger&limit=" + config.pageSize()
        + "&fields=" + enc("id,updated_time,messages.limit(" + config.pageSize() + "){" + MESSAGE_FIELDS + "}")
        + (after == null ? "" : "&after=" + enc(after));
    return run.get(url, root -> FacebookReadPayloads.conversations(root, pageId)).compose(page -> {
      Future<Void> chain = Future.succeededFuture();
      boolean older = false;
      for (FacebookReadPayloads.Conversation c : page.items()) {
        if (c.updated().isBefore(run.since)) {
          older = true; // newest first: the rest is older still
          break;
        }
        if (run.threads >= config.maxConversations()) {
          break;
        }
        run.threads++;
        List<Inbound> taken = new ArrayList<>();
        String next = run.base + "/" + enc(c.id()) + "/messages?limit=" + config.pageSize() + "&fields=" + enc(MESSAGE_FIELDS);
        chain = chain.compose(v -> thread(run, next, c.messages(), taken, root -> FacebookReadPayloads.messages(root, pageId)));
      }
      boolean more = !older && page.after() != null;
      return chain.compose(v -> more && run.threads < config.maxConversations() && !run.full()
          ? conversations(run, page.after()) : Future.succeededFuture());
    });
  }

  /**
   * Takes one page of a thread's messages (newest first), then the next ({@code nextUrl} +
   * {@code &after=}, read with {@code parseNext}) while inside the window. Shared by conversations and
   * post comments.
   */
  static Future<Void> thread(GraphRun run, String nextUrl, FacebookReadPayloads.Page<FacebookReadPayloads.Message> page,
      List<Inbound> taken, Function<JsonObject, FacebookReadPayloads.Page<FacebookReadPayloads.Message>> parseNext) {
    boolean older = false;
    for (FacebookReadPayloads.Message m : page.items()) {
      if (m.createdAt().isBefore(run.since)) {
        older = true;
        break;
      }
      if (m.inbound() != null && run.room(taken)) {
        taken.add(m.inbound());
      }
    }
    if (!older && page.after() != null && run.room(taken) && !run.full()) {
      return run.get(nextUrl + "&after=" + enc(page.after()), parseNext)
          .compose(next -> thread(run, nextUrl, next, taken, parseNext))
          .onFailure(e -> run.keep(taken)); // what was read before the error still counts
    }
    run.keep(taken);
    return Future.succeededFuture();
  }

  private static ReadApiException asRead(Throwable failure) {
    return failure instanceof ReadApiException e ? e : new ReadApiException(RunOutcome.UNREACHABLE, String.valueOf(failure.getMessage()));
  }
}
