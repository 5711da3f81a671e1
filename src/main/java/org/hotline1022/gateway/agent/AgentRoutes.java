package org.hotline1022.gateway.agent;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Arrays;
import java.util.List;
import org.hotline1022.gateway.inquiry.TrackingCodes;
import org.hotline1022.gateway.store.AgentStore;
import org.hotline1022.gateway.store.CommandException;
import org.hotline1022.gateway.store.InquiryFilter;

/** The agent API on the HTTP port: {@code /agent/ws} and REST under {@code /api/v1/inquiries}. */
public final class AgentRoutes {
  private static final String AGENT = "agent";

  private final AgentAuth auth;
  private final AgentStore store;
  private final AgentCommands commands;
  private final AgentHub hub;

  public AgentRoutes(AgentAuth auth, AgentStore store, AgentCommands commands, AgentHub hub) {
    this.auth = auth;
    this.store = store;
    this.commands = commands;
    this.hub = hub;
  }

  public void mount(Router router) {
    router.get("/agent/ws").handler(this::webSocket);
    router.route("/api/v1/inquiries*").handler(this::authenticate);
    router.get("/api/v1/inquiries").handler(this::list);
    router.get("/api/v1/inquiries/:code").handler(this::one);
    router.route("/api/v1/media*").handler(this::authenticate);
    router.get("/api/v1/media/:id").handler(this::media);
    router.get("/api/v1/calls").handler(this::authenticate).handler(this::liveCalls);
    router.post("/api/v1/inquiries/:code/:op").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::command);
  }

  /**
   * The agents' WebSocket upgrade, taken by the server before the router: only the server's own
   * request upgrades to a socket whose channel {@link AgentSession} can write shared frame bytes to
   * (through the router it is wrapped, and every frame went through Vert.x's per-frame encoding).
   */
  public static boolean isAgentUpgrade(HttpServerRequest req) {
    return req.method() == HttpMethod.GET && "/agent/ws".equals(req.path()) && req.headers().contains("Upgrade", "websocket", true);
  }

  /** Authenticates, then upgrades; see {@link #isAgentUpgrade}. */
  public void webSocket(HttpServerRequest req) {
    String token = req.getParam("access_token");
    auth.authenticate(token != null ? token : bearer(req))
        .compose(agent -> req.toWebSocket().map(ws -> {
          hub.attach(ws, agent);
          return agent;
        }))
        .onFailure(e -> refuse(req.response(), e));
  }

  /** A plain GET of the socket's path (no upgrade): the same answers, through the router. */
  private void webSocket(RoutingContext ctx) {
    webSocket(ctx.request());
  }

  private void authenticate(RoutingContext ctx) {
    auth.authenticate(bearer(ctx.request()))
        .onSuccess(agent -> {
          ctx.put(AGENT, agent);
          ctx.next();
        })
        .onFailure(e -> refuse(ctx, e));
  }

  private void list(RoutingContext ctx) {
    Agent agent = ctx.get(AGENT);
    InquiryFilter filter;
    try {
      filter = new InquiryFilter(values(ctx, "status"), values(ctx, "department"), values(ctx, "topic"), values(ctx, "priority"),
          values(ctx, "channel"), ctx.request().getParam("q"), agent.scopeDepartment(), number(ctx, "limit", 50, 1, 200),
          number(ctx, "offset", 0, 0, 1_000_000));
    } catch (CommandException e) {
      fail(ctx, e);
      return;
    }
    store.list(filter).onSuccess(result -> json(ctx, 200, result)).onFailure(e -> fail(ctx, e));
  }

  private void liveCalls(RoutingContext ctx) {
    Agent agent = ctx.get(AGENT);
    store.liveCalls(agent.scopeDepartment()).onSuccess(result -> json(ctx, 200, result)).onFailure(e -> fail(ctx, e));
  }

  private void one(RoutingContext ctx) {
    Agent agent = ctx.get(AGENT);
    var code = TrackingCodes.canonical(ctx.pathParam("code"));
    Future<JsonObject> found = code.isEmpty() ? Future.succeededFuture(null) : store.get(code.get(), agent.scopeDepartment());
    found.onSuccess(result -> {
      if (result == null) {
        fail(ctx, new CommandException("not_found", "no such inquiry"));
      } else {
        json(ctx, 200, result);
      }
    }).onFailure(e -> fail(ctx, e));
  }

  /**
   * A downloaded attachment. Its stored type is served with {@code nosniff}; anything but a plain
   * raster image is a download ({@code Content-Disposition: attachment}), so a hostile file cannot run
   * as a page of the console's origin.
   */
  private void media(RoutingContext ctx) {
    Agent agent = ctx.get(AGENT);
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      fail(ctx, new CommandException("not_found", "no such media"));
      return;
    }
    store.media(id, agent.scopeDepartment()).onSuccess(m -> {
      if (m == null) {
        fail(ctx, new CommandException("not_found", "no such media"));
      } else if (m.bytes() == null) {
        fail(ctx, new CommandException("conflict", "media not stored: " + m.status()));
      } else {
        boolean inline = INLINE_IMAGES.contains(m.contentType());
        var resp = ctx.response().putHeader("Content-Type", m.contentType()).putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Cache-Control", "private, max-age=3600");
        if (!inline) {
          resp.putHeader("Content-Disposition", "attachment; filename=\"media-" + m.id() + "\"; filename*=UTF-8''"
              + java.net.URLEncoder.encode(m.name() == null ? "media-" + m.id() : m.name(), java.nio.charset.StandardCharsets.UTF_8)
                  .replace("+", "%20"));
        }
        resp.end(m.bytes());
      }
    }).onFailure(e -> fail(ctx, e));
  }

  /** Shown inline; everything else (SVG, HTML, PDF, office files...) is served as a download. */
  private static final java.util.Set<String> INLINE_IMAGES = java.util.Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

  private void command(RoutingContext ctx) {
    Agent agent = ctx.get(AGENT);
    JsonObject body;
    try {
      body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      fail(ctx, new CommandException("bad_request", "the body is not a JSON object"));
      return;
    }
    commands.run(agent, ctx.pathParam("op"), ctx.pathParam("code"), body == null ? new JsonObject() : body)
        .onSuccess(result -> json(ctx, 200, new JsonObject().put("inquiry", result.getValue("inquiry"))))
        .onFailure(e -> fail(ctx, e));
  }

  private static List<String> values(RoutingContext ctx, String name) {
    List<String> out = ctx.queryParam(name).stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
    if (out.size() > 50) {
      throw new CommandException("bad_request", "too many values for " + name);
    }
    return out;
  }

  private static int number(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new CommandException("bad_request", name + " must be a number from " + min + " to " + max);
    }
  }

  private static String bearer(HttpServerRequest req) {
    String h = req.getHeader("Authorization");
    return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7) : null;
  }

  private static void refuse(RoutingContext ctx, Throwable e) {
    refuse(ctx.response(), e);
  }

  private static void refuse(HttpServerResponse response, Throwable e) {
    if (response.ended() || response.headWritten()) {
      return;
    }
    int status = e instanceof AuthException ae ? ae.status() : 503;
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", status == 401 ? "unauthorized" : status == 403 ? "forbidden" : "unavailable")
            .put("message", e.getMessage()).toBuffer());
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    String code = e instanceof CommandException ce ? ce.code() : "unavailable";
    int status = switch (code) {
      case "bad_request", "unknown_op" -> 400;
      case "not_found" -> 404;
      case "conflict" -> 409;
      default -> 503;
    };
    json(ctx, status, new JsonObject().put("error", code).put("message", e.getMessage()));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.toBuffer());
    }
  }
}
