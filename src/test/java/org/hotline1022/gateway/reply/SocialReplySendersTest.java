package org.hotline1022.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.hotline1022.gateway.config.ConfigFiles;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.support.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Facebook and Zalo senders against {@link ProviderFake}: the request they make and how answers map to outcomes. */
class SocialReplySendersTest {
  static Vertx vertx;
  static ProviderFake fake;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    fake = new ProviderFake(vertx);
  }

  @AfterAll
  static void stop() {
    fake.close();
    vertx.close().await();
  }

  static WebhookConfig config(String base, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("HOTLINE_FACEBOOK_PAGE_TOKEN", "page-token", "HOTLINE_WEBHOOKS_FACEBOOK_GRAPH_BASE_URL",
        base, "HOTLINE_WEBHOOKS_ZALO_API_BASE_URL", base));
    env.putAll(extra);
    return WebhookConfig.fromYaml(ConfigFiles.read("gateway.yaml"), env);
  }

  static OutboundReply reply(Channel channel, String to, String text) {
    return new OutboundReply(7, 70, 700, "1022-ABCD-EFGH", channel, text, null, to, null, to, "m_in", 1);
  }

  /** Sends on a Vert.x context, as the dispatcher does. */
  static Future<Void> send(ReplySender sender, OutboundReply r) {
    Promise<Void> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> sender.send(r).onComplete(p));
    return p.future();
  }

  static DeliveryException failure(ReplySender sender, OutboundReply r) {
    Throwable t = send(sender, r).map(v -> (Throwable) null).otherwise(e -> e).await();
    assertThat(t).isInstanceOf(DeliveryException.class);
    return (DeliveryException) t;
  }

  @Test
  void facebookSendsAResponseWithThePageTokenAndTheOutboxIdAsMetadata() {
    var sender = new FacebookReplySender(config(fake.baseUrl(), Map.of()));
    send(sender, reply(Channel.FACEBOOK, "2222222222222222", "Cảm ơn anh/chị, tổng đài 1022 đã tiếp nhận.")).await();
    ProviderFake.Call call = fake.calls.get(fake.calls.size() - 1);
    assertThat(call.path()).isEqualTo(ProviderFake.GRAPH_PATH);
    assertThat(call.headers()).containsEntry("Authorization", "Bearer page-token");
    assertThat(call.body().getJsonObject("recipient").getString("id")).isEqualTo("2222222222222222");
    assertThat(call.body().getString("messaging_type")).isEqualTo("RESPONSE");
    assertThat(call.body().getJsonObject("message").getString("text")).isEqualTo("Cảm ơn anh/chị, tổng đài 1022 đã tiếp nhận.");
    assertThat(call.body().getJsonObject("message").getString("metadata")).isEqualTo("outbox:7");
  }

  @Test
  void facebookMapsTheClosedWindowRateLimitsAndOutages() {
    var sender = new FacebookReplySender(config(fake.baseUrl(), Map.of()));
    OutboundReply r = reply(Channel.FACEBOOK, "2222222222222222", "Trả lời");
    fake.next(ProviderFake.GRAPH_PATH, 400, ProviderFake.graphError(10, 2018278));
    DeliveryException closed = failure(sender, r);
    assertThat(closed.permanent()).isTrue();
    assertThat(closed.code()).isEqualTo("window_closed");

    fake.next(ProviderFake.GRAPH_PATH, 400, ProviderFake.graphError(613, -1));
    assertThat(failure(sender, r)).satisfies(e -> assertThat(e.code()).isEqualTo("rate_limited"))
        .satisfies(e -> assertThat(e.permanent()).isFalse());
    fake.next(ProviderFake.GRAPH_PATH, 400, ProviderFake.graphError(190, 460));
    assertThat(failure(sender, r).code()).isEqualTo("token_invalid");
    fake.next(ProviderFake.GRAPH_PATH, 500, new io.vertx.core.json.JsonObject());
    assertThat(failure(sender, r).permanent()).isFalse();
    fake.next(ProviderFake.GRAPH_PATH, 400, ProviderFake.graphError(551, 1545041));
    assertThat(failure(sender, r).code()).isEqualTo("recipient_unavailable");

    assertThat(failure(new FacebookReplySender(config(fake.baseUrl(), Map.of("HOTLINE_FACEBOOK_PAGE_TOKEN", ""))), r).code())
        .isEqualTo("not_configured");
    DeliveryException down = failure(new FacebookReplySender(config("http://127.0.0.1:" + Ports.free(), Map.of())), r);
    assertThat(down.permanent()).isFalse();
    assertThat(down.code()).isEqualTo("unreachable");
  }

  @Test
  void zaloSendsAConsultationMessageWithTheAccessTokenHeader() {
    var sender = new ZaloReplySender(config(fake.baseUrl(), Map.of()), () -> Future.succeededFuture("oa-access-token"));
    send(sender, reply(Channel.ZALO, "2468458835296197922", "Tổng đài 1022 đã chuyển phản ánh của bạn.")).await();
    ProviderFake.Call call = fake.calls.get(fake.calls.size() - 1);
    assertThat(call.path()).isEqualTo(ProviderFake.ZALO_PATH);
    assertThat(call.headers()).containsEntry("access_token", "oa-access-token");
    assertThat(call.body().getJsonObject("recipient").getString("user_id")).isEqualTo("2468458835296197922");
    assertThat(call.body().getJsonObject("message").getString("text")).isEqualTo("Tổng đài 1022 đã chuyển phản ánh của bạn.");
  }

  @Test
  void zaloMapsErrorsThatArriveWithHttp200() {
    var sender = new ZaloReplySender(config(fake.baseUrl(), Map.of()), () -> Future.succeededFuture("t"));
    OutboundReply r = reply(Channel.ZALO, "2468458835296197922", "Trả lời");
    fake.next(ProviderFake.ZALO_PATH, 200, ProviderFake.zaloError(-230));
    assertThat(failure(sender, r)).satisfies(e -> assertThat(e.code()).isEqualTo("window_closed"))
        .satisfies(e -> assertThat(e.permanent()).isTrue());
    fake.next(ProviderFake.ZALO_PATH, 200, ProviderFake.zaloError(-232));
    assertThat(failure(sender, r).code()).isEqualTo("window_closed");
    fake.next(ProviderFake.ZALO_PATH, 200, ProviderFake.zaloError(-32));
    assertThat(failure(sender, r)).satisfies(e -> assertThat(e.code()).isEqualTo("rate_limited"))
        .satisfies(e -> assertThat(e.permanent()).isFalse());
    // refused twice: the sender asks for a newer token and tries once more, then gives the retry to the outbox
    fake.next(ProviderFake.ZALO_PATH, 200, ProviderFake.zaloError(-216)).next(ProviderFake.ZALO_PATH, 200, ProviderFake.zaloError(-220));
    assertThat(failure(sender, r).code()).isEqualTo("token_expired");
    fake.next(ProviderFake.ZALO_PATH, 200, ProviderFake.zaloError(-201));
    assertThat(failure(sender, r).permanent()).isTrue();

    DeliveryException noToken = failure(ZaloReplySender.withoutTokenStore(config(fake.baseUrl(), Map.of())), r);
    assertThat(noToken.code()).isEqualTo("no_access_token");
    assertThat(noToken.permanent()).isTrue();
  }

  @Test
  void facebookAnswersAPageCommentWithAPrivateReplyToTheComment() {
    var sender = new FacebookReplySender(config(fake.baseUrl(), Map.of()));
    OutboundReply r = new OutboundReply(8, 80, 800, "1022-ABCD-EFGH", Channel.FACEBOOK, "Đã chuyển cho phường.", null,
        "3333333333333333", "Trần Thị B", "3333333333333333", "444444444444444_555555555555555", 1);
    send(sender, r).await();
    ProviderFake.Call call = fake.calls.get(fake.calls.size() - 1);
    assertThat(call.body().getJsonObject("recipient").getString("comment_id")).isEqualTo("444444444444444_555555555555555");
    assertThat(call.body().getJsonObject("recipient").containsKey("id")).isFalse();
    assertThat(FacebookReplySender.isCommentId("m_test_0001")).isFalse();
    assertThat(FacebookReplySender.isCommentId("postback:1:2")).isFalse();
  }
}
