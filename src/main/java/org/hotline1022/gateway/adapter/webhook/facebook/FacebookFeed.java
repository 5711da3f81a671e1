package org.hotline1022.gateway.adapter.webhook.facebook;

import static org.hotline1022.gateway.adapter.webhook.facebook.GraphRun.enc;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.hotline1022.gateway.config.ReconcileConfig;
import org.hotline1022.gateway.inquiry.Inbound;

/**
 * Page feed comments for reconciliation (off unless {@code webhooks.reconcile.facebookComments}: it
 * needs the {@code pages_read_engagement} and {@code pages_read_user_content} permissions):
 * {@code GET /{page-id}/feed?fields=id,updated_time,permalink_url,comments.limit(n).filter(stream).order(reverse_chronological){...}}
 * while posts were updated inside the window (a comment updates its post), then
 * {@code /{post-id}/comments} pages while comments are. Posts count against {@code maxConversations}.
 */
final class FacebookFeed {
  static final String COMMENT_FIELDS = "id,from,message,created_time,parent{id},attachment";

  private FacebookFeed() {}

  static Future<Void> read(GraphRun run, String pageId, ReconcileConfig config) {
    return posts(run, pageId, config, null);
  }

  private static Future<Void> posts(GraphRun run, String pageId, ReconcileConfig config, String after) {
    String url = run.base + "/" + enc(pageId) + "/feed?limit=" + config.pageSize() + "&fields="
        + enc("id,updated_time,permalink_url,comments.limit(" + config.pageSize() + ").filter(stream).order(reverse_chronological){"
            + COMMENT_FIELDS + "}")
        + (after == null ? "" : "&after=" + enc(after));
    return run.get(url, root -> FacebookReadPayloads.posts(root, pageId)).compose(page -> {
      Future<Void> chain = Future.succeededFuture();
      boolean older = false;
      for (FacebookReadPayloads.Post p : page.items()) {
        if (p.updated().isBefore(run.since)) {
          older = true;
          break;
        }
        if (run.threads >= config.maxConversations()) {
          break;
        }
        run.threads++;
        List<Inbound> taken = new ArrayList<>();
        String next = run.base + "/" + enc(p.id()) + "/comments?filter=stream&order=reverse_chronological&limit=" + config.pageSize()
            + "&fields=" + enc(COMMENT_FIELDS);
        chain = chain.compose(v -> FacebookConversations.thread(run, next, p.comments(), taken,
            root -> FacebookReadPayloads.comments(root, pageId, p.id(), p.permalink())));
      }
      boolean more = !older && page.after() != null;
      return chain.compose(v -> more && run.threads < config.maxConversations() && !run.full()
          ? posts(run, pageId, config, page.after()) : Future.succeededFuture());
    });
  }
}
