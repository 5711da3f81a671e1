package org.hotline1022.gateway.reply;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platforms' read APIs in their documented wire format, over messages a test puts in: Graph
 * {@code /{page-id}/conversations} (nested {@code messages.limit(n)} edge) and
 * {@code /{conversation-id}/messages} with {@code paging.cursors.after} and {@code paging.next}
 * (absent on the last page); Zalo {@code /v2.0/oa/listrecentchat} and {@code /v2.0/oa/conversation}
 * with {@code data={"offset","count"[,"user_id"]}}, at most 10 items, newest first. Thread-safe.
 */
public final class ReadApiFake {
  public static final String PAGE_ID = "111111111111111";
  public static final String OA_ID = "3886132808788086451";
  public static final String CONVERSATIONS_PATH = "/v25.0/" + PAGE_ID + "/conversations";
  public static final String FEED_PATH = "/v25.0/" + PAGE_ID + "/feed";
  public static final String ZALO_RECENT_PATH = "/v2.0/oa/listrecentchat";
  public static final String ZALO_CONVERSATION_PATH = "/v2.0/oa/conversation";
  private static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssZ").withZone(ZoneOffset.UTC);
  private static final Pattern NESTED_LIMIT = Pattern.compile("messages\\.limit\\((\\d+)\\)");

  /** A message the platform holds. {@code fromCitizen} false: the Page's or the OA's own. */
  public record Held(String id, String user, boolean fromCitizen, String text, Instant at) {}

  /** Leave {@code src} out of Zalo rows, as a 2026 live answer did (the docs have it). */
  public volatile boolean omitSrc;
  private final Map<String, List<Held>> facebook = new LinkedHashMap<>();
  private final Map<String, List<Held>> zalo = new LinkedHashMap<>();
  private final Map<String, List<Held>> posts = new LinkedHashMap<>();

  /** A comment on Page post {@code postId} ({@code <page>_<post>}); {@code fromCitizen} false: the Page's own. */
  public synchronized void comment(String postId, String commentId, String from, boolean fromCitizen, String text, Instant at) {
    posts.computeIfAbsent(postId, k -> new ArrayList<>()).add(new Held(commentId, from, fromCitizen, text, at));
  }

  public synchronized void facebook(String psid, String mid, boolean fromCitizen, String text, Instant at) {
    facebook.computeIfAbsent(psid, k -> new ArrayList<>()).add(new Held(mid, psid, fromCitizen, text, at));
  }

  public synchronized void zalo(String user, String msgId, boolean fromCitizen, String text, Instant at) {
    zalo.computeIfAbsent(user, k -> new ArrayList<>()).add(new Held(msgId, user, fromCitizen, text, at));
  }

  /** True when {@code path} is a read endpoint this fake plays. */
  public static boolean handles(String path) {
    return path.equals("/v25.0/me") || path.equals(CONVERSATIONS_PATH) || path.equals(FEED_PATH)
        || path.matches("/v25\\.0/[0-9]+_[0-9]+/comments") || path.equals(ZALO_RECENT_PATH) || path.equals(ZALO_CONVERSATION_PATH)
        || path.matches("/v25\\.0/t_[^/]+/messages");
  }

  public synchronized JsonObject answer(String path, MultiMap query) {
    if (path.equals("/v25.0/me")) {
      return new JsonObject().put("id", PAGE_ID).put("name", "Tổng đài 1022");
    }
    if (path.equals(CONVERSATIONS_PATH)) {
      Matcher m = NESTED_LIMIT.matcher(String.valueOf(query.get("fields")));
      int nested = m.find() ? Integer.parseInt(m.group(1)) : 25;
      List<Map.Entry<String, List<Held>>> threads = new ArrayList<>(facebook.entrySet());
      threads.sort(Comparator.comparing((Map.Entry<String, List<Held>> e) -> latest(e.getValue()).at()).reversed());
      int from = cursor(query.get("after"));
      int limit = Integer.parseInt(query.get("limit") == null ? "25" : query.get("limit"));
      JsonArray data = new JsonArray();
      for (int i = from; i < Math.min(threads.size(), from + limit); i++) {
        List<Held> ms = threads.get(i).getValue();
        data.add(new JsonObject().put("id", "t_" + threads.get(i).getKey()).put("updated_time", GRAPH_TIME.format(latest(ms).at()))
            .put("messages", graphPage(newestFirst(ms), 0, nested, this::graphMessage)));
      }
      return paged(data, from, limit, threads.size());
    }
    if (path.equals(FEED_PATH)) {
      Matcher m = Pattern.compile("comments\\.limit\\((\\d+)\\)").matcher(String.valueOf(query.get("fields")));
      int nested = m.find() ? Integer.parseInt(m.group(1)) : 25;
      List<Map.Entry<String, List<Held>>> all = new ArrayList<>(posts.entrySet());
      all.sort(Comparator.comparing((Map.Entry<String, List<Held>> e) -> latest(e.getValue()).at()).reversed());
      int from = cursor(query.get("after"));
      int limit = Integer.parseInt(query.get("limit") == null ? "25" : query.get("limit"));
      JsonArray data = new JsonArray();
      for (int i = from; i < Math.min(all.size(), from + limit); i++) {
        String postId = all.get(i).getKey();
        data.add(new JsonObject().put("id", postId).put("updated_time", GRAPH_TIME.format(latest(all.get(i).getValue()).at()))
            .put("permalink_url", "https://www.facebook.com/" + postId)
            .put("comments", graphPage(newestFirst(all.get(i).getValue()), 0, nested, this::graphComment)));
      }
      return paged(data, from, limit, all.size());
    }
    if (path.endsWith("/comments")) {
      String postId = path.substring("/v25.0/".length(), path.length() - "/comments".length());
      int limit = Integer.parseInt(query.get("limit") == null ? "25" : query.get("limit"));
      return graphPage(newestFirst(posts.getOrDefault(postId, List.of())), cursor(query.get("after")), limit, this::graphComment);
    }
    if (path.startsWith("/v25.0/t_")) {
      String psid = path.substring("/v25.0/t_".length(), path.length() - "/messages".length());
      int limit = Integer.parseInt(query.get("limit") == null ? "25" : query.get("limit"));
      return graphPage(newestFirst(facebook.getOrDefault(psid, List.of())), cursor(query.get("after")), limit, this::graphMessage);
    }
    JsonObject data = new JsonObject(query.get("data"));
    int offset = data.getInteger("offset", 0);
    int count = Math.min(10, data.getInteger("count", 10));
    List<Held> items;
    if (path.equals(ZALO_RECENT_PATH)) {
      items = new ArrayList<>(zalo.values().stream().map(ReadApiFake::latest).toList());
      items.sort(Comparator.comparing(Held::at).reversed());
    } else {
      // the docs send user_id as a number: read the raw text so a 19-digit id is not rounded
      Matcher u = Pattern.compile("\"user_id\"\\s*:\\s*\"?([0-9a-zA-Z]+)").matcher(query.get("data"));
      items = newestFirst(zalo.getOrDefault(u.find() ? u.group(1) : "", List.of()));
    }
    JsonArray out = new JsonArray();
    for (int i = offset; i < Math.min(items.size(), offset + count); i++) {
      out.add(zaloItem(items.get(i)));
    }
    return new JsonObject().put("data", out).put("error", 0).put("message", "Success");
  }

  private JsonObject graphPage(List<Held> ms, int from, int limit, java.util.function.Function<Held, JsonObject> item) {
    JsonArray data = new JsonArray();
    for (int i = from; i < Math.min(ms.size(), from + limit); i++) {
      data.add(item.apply(ms.get(i)));
    }
    return paged(data, from, limit, ms.size());
  }

  private static JsonObject paged(JsonArray data, int from, int limit, int total) {
    JsonObject paging = new JsonObject().put("cursors", new JsonObject().put("before", encode(from)).put("after", encode(from + limit)));
    if (from + limit < total) {
      paging.put("next", "https://graph.facebook.com/v25.0/next?after=" + encode(from + limit));
    }
    return new JsonObject().put("data", data).put("paging", paging);
  }

  private JsonObject graphMessage(Held h) {
    JsonObject from = h.fromCitizen() ? new JsonObject().put("id", h.user()).put("name", "Người dân " + h.user().substring(h.user().length() - 3))
        .put("email", h.user() + "@facebook.com") : new JsonObject().put("id", PAGE_ID).put("name", "Tổng đài 1022");
    JsonObject to = h.fromCitizen() ? new JsonObject().put("id", PAGE_ID) : new JsonObject().put("id", h.user());
    return new JsonObject().put("id", h.id()).put("created_time", GRAPH_TIME.format(h.at())).put("from", from)
        .put("to", new JsonObject().put("data", new JsonArray().add(to))).put("message", h.text());
  }

  private JsonObject graphComment(Held h) {
    JsonObject from = h.fromCitizen() ? new JsonObject().put("id", h.user()).put("name", "Người dân") : new JsonObject().put("id", PAGE_ID)
        .put("name", "Tổng đài 1022");
    return new JsonObject().put("id", h.id()).put("created_time", GRAPH_TIME.format(h.at())).put("from", from).put("message", h.text());
  }

  private JsonObject zaloItem(Held h) {
    JsonObject row = new JsonObject();
    if (!omitSrc) {
      row.put("src", h.fromCitizen() ? 1 : 0);
    }
    return row.put("time", h.at().toEpochMilli()).put("type", "text")
        .put("message", h.text()).put("message_id", h.id()).put("from_id", h.fromCitizen() ? h.user() : OA_ID)
        .put("to_id", h.fromCitizen() ? OA_ID : h.user()).put("from_display_name", h.fromCitizen() ? "Người dân" : "OA 1022");
  }

  private static Held latest(List<Held> ms) {
    return ms.stream().max(Comparator.comparing(Held::at)).orElseThrow();
  }

  private static List<Held> newestFirst(List<Held> ms) {
    List<Held> out = new ArrayList<>(ms);
    out.sort(Comparator.comparing(Held::at).reversed());
    return out;
  }

  private static String encode(int index) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("idx:" + index).getBytes(StandardCharsets.UTF_8));
  }

  private static int cursor(String after) {
    if (after == null) {
      return 0;
    }
    return Integer.parseInt(new String(Base64.getUrlDecoder().decode(after), StandardCharsets.UTF_8).substring(4));
  }
}
