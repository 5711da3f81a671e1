package org.hotline1022.gateway.adapter.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.hotline1022.gateway.adapter.webhook.facebook.FacebookConversations;
import org.hotline1022.gateway.adapter.webhook.zalo.ZaloConversations;
import org.hotline1022.gateway.config.ReconcileConfig;
import org.hotline1022.gateway.config.WebhookConfig;
import org.hotline1022.gateway.inquiry.Channel;
import org.hotline1022.gateway.inquiry.Inbound;
import org.hotline1022.gateway.intake.IngestResult;
import org.hotline1022.gateway.intake.IntakeException;
import org.hotline1022.gateway.intake.RunLock;
import org.hotline1022.gateway.reply.ProviderFake;
import org.hotline1022.gateway.reply.ReadApiFake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reconciliation runs against {@link ProviderFake}'s read endpoints, with a store played by a set of
 * external ids: what is read, in which order, within which bounds, and what a hostile answer does.
 */
class ReconcilerTest {
  static Vertx vertx;
  ProviderFake fake;
  SimpleMeterRegistry registry;
  /** The store: an id seen before is a duplicate, as the (channel, external_id) constraint makes it. */
  Set<String> stored;
  List<Inbound> submitted;
  AtomicBoolean lockBusy;
  static final Instant NOW = Instant.now();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void setUp() {
    if (fake != null) {
      fake.close();
    }
    fake = new ProviderFake(vertx);
    registry = new SimpleMeterRegistry();
    stored = ConcurrentHashMap.newKeySet();
    submitted = new java.util.concurrent.CopyOnWriteArrayList<>();
    lockBusy = new AtomicBoolean();
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    fake.close();
    fake = null;
  }

  ReconcileConfig config(int maxConversations, int maxMessages, int pageSize, int maxBytes) {
    return new ReconcileConfig(true, 600, 1000, 60, maxConversations, maxMessages, pageSize, maxBytes, 2000, ReadApiFake.PAGE_ID,
        "", "zalo-token", false);
  }

  WebhookConfig webhooks() {
    return new WebhookConfig(1 << 20, "fb-secret", "verify", "page-token", fake.baseUrl(), "v25.0", "", "", "zalo-oa-secret", "",
        fake.baseUrl(), fake.baseUrl(), false);
  }

  ReadApi api(ReconcileConfig c) {
    return new ReadApi(vertx, vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(2)), c.maxResponseBytes(),
        c.requestTimeoutMs());
  }

  PlatformReader facebook(ReconcileConfig c) {
    return new FacebookConversations(webhooks(), c, api(c));
  }

  PlatformReader zalo(ReconcileConfig c) {
    return new ZaloConversations(webhooks(), c, api(c), () -> Future.succeededFuture(c.zaloAccessToken()));
  }

  Future<IngestResult> submit(Inbound in) {
    submitted.add(in);
    boolean duplicate = !stored.add(in.channel().tag() + ":" + in.externalId());
    return Future.succeededFuture(new IngestResult(duplicate, 1, "1022-TEST-0001", "new", "other", "normal", "TD", null, !duplicate));
  }

  Reconciler reconciler(java.util.function.Function<Inbound, Future<IngestResult>> submit) {
    RunLock lock = name -> lockBusy.get() ? Future.succeededFuture() : Future.succeededFuture(() -> Future.succeededFuture());
    return new Reconciler(lock, submit, new MicrometerReconcileMetrics(registry));
  }

  Reconciler.Result run(PlatformReader reader) {
    return reconciler(this::submit).run(reader, NOW.minus(Duration.ofMinutes(60))).await();
  }

  double runs(Channel channel, RunOutcome outcome) {
    var c = registry.find("hotline.reconcile.runs").tag("channel", channel.tag()).tag("outcome", outcome.tag()).counter();
    return c == null ? 0 : c.count();
  }

  double recovered(Channel channel) {
    var c = registry.find("hotline.reconcile.recovered").tag("channel", channel.tag()).counter();
    return c == null ? 0 : c.count();
  }

  static Instant ago(int minutes) {
    return NOW.minus(Duration.ofMinutes(minutes));
  }

  /** 5 Messenger threads: 3 active in the last hour (one long, with the Page's answers), 2 older. */
  void facebookThreads() {
    for (int t = 0; t < 5; t++) {
      String psid = "24000000000000" + t;
      int base = t < 3 ? 50 - t : 200 + t;
      int n = t == 0 ? 7 : 2;
      for (int i = 0; i < n; i++) {
        fake.reads.facebook(psid, "m_fb" + t + "_" + i, true, "Đường ngập ở phường " + t + ", tin " + i, ago(base - i * 5));
      }
      fake.reads.facebook(psid, "m_page" + t, false, "Tổng đài 1022 đã tiếp nhận", ago(base - 1));
    }
  }

  @Test
  void facebookRunReadsEveryCitizenMessageOfTheWindowAcrossPagesOldestFirst() {
    facebookThreads();
    Reconciler.Result r = run(facebook(config(50, 500, 2, 1 << 20)));

    assertThat(r.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(submitted).extracting(Inbound::externalId).containsExactlyInAnyOrder(
        "m_fb0_0", "m_fb0_1", "m_fb0_2", "m_fb0_3", "m_fb0_4", "m_fb0_5", "m_fb0_6", "m_fb1_0", "m_fb1_1", "m_fb2_0", "m_fb2_1");
    List<String> thread0 = submitted.stream().filter(i -> i.threadKey().equals("240000000000000")).map(Inbound::externalId).toList();
    assertThat(thread0).containsExactly("m_fb0_0", "m_fb0_1", "m_fb0_2", "m_fb0_3", "m_fb0_4", "m_fb0_5", "m_fb0_6");
    Inbound first = submitted.stream().filter(i -> i.externalId().equals("m_fb1_0")).findFirst().orElseThrow();
    // the same record as the webhook makes of that mid: contact and thread by PSID, Messenger kind, the text
    assertThat(first.channel()).isEqualTo(Channel.FACEBOOK);
    assertThat(first.contact().address()).isEqualTo("240000000000001");
    assertThat(first.threadKey()).isEqualTo("240000000000001");
    assertThat(first.text()).isEqualTo("Đường ngập ở phường 1, tin 0");
    assertThat(first.facts()).containsEntry("kind", "message").containsEntry("page_id", ReadApiFake.PAGE_ID);
    assertThat(fake.calls).allSatisfy(c -> assertThat(c.headers().get("Authorization")).isEqualTo("Bearer page-token"));
    assertThat(fake.count("/v25.0/t_240000000000000/messages")).as("the long thread's later pages").isEqualTo(3);
    assertThat(r.recovered()).isEqualTo(11);
    assertThat(recovered(Channel.FACEBOOK)).isEqualTo(11);
    assertThat(runs(Channel.FACEBOOK, RunOutcome.OK)).isEqualTo(1);

    // a second run finds everything stored: nothing new
    Reconciler.Result again = run(facebook(config(50, 500, 2, 1 << 20)));
    assertThat(again.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(again.recovered()).isZero();
    assertThat(stored).hasSize(11);
  }

  @Test
  void withoutAConfiguredPageIdTheRunAsksGraphWhoThePageIs() {
    facebookThreads();
    ReconcileConfig c = new ReconcileConfig(true, 600, 1000, 60, 50, 500, 2, 1 << 20, 2000, "", "", "t", false);
    PlatformReader reader = facebook(c);
    assertThat(run(reader).outcome()).isEqualTo(RunOutcome.OK);
    assertThat(stored).hasSize(11);
    assertThat(submitted).noneMatch(i -> i.externalId().startsWith("m_page"));
    assertThat(run(reader).outcome()).isEqualTo(RunOutcome.OK);
    assertThat(fake.count("/v25.0/me")).as("asked once").isEqualTo(1);
  }

  @Test
  void withCommentsOnTheFeedsCitizensCommentsAreReadAsTheWebhookStoresThem() {
    facebookThreads();
    String post = ReadApiFake.PAGE_ID + "_444444444444444";
    for (int i = 0; i < 5; i++) {
      fake.reads.comment(post, "444444444444444_55500000000000" + i, "3333333333333" + i, true, "Đèn đường hỏng, bình luận " + i, ago(40 - i));
    }
    fake.reads.comment(post, "444444444444444_666", ReadApiFake.PAGE_ID, false, "Cảm ơn, đã chuyển", ago(30));
    fake.reads.comment(ReadApiFake.PAGE_ID + "_1", "1_777", "33333333333339", true, "cũ", ago(500));
    ReconcileConfig c = new ReconcileConfig(true, 600, 1000, 60, 50, 500, 2, 1 << 20, 2000, ReadApiFake.PAGE_ID, "", "t", true);
    Reconciler.Result r = run(facebook(c));
    assertThat(r.outcome()).isEqualTo(RunOutcome.OK);
    List<Inbound> comments = submitted.stream().filter(i -> "comment".equals(i.facts().get("kind"))).toList();
    assertThat(comments).extracting(Inbound::externalId).containsExactly("444444444444444_555000000000000",
        "444444444444444_555000000000001", "444444444444444_555000000000002", "444444444444444_555000000000003",
        "444444444444444_555000000000004");
    Inbound first = comments.get(0);
    assertThat(first.contact().address()).isEqualTo("33333333333330");
    assertThat(first.threadKey()).isEqualTo("33333333333330");
    assertThat(first.facts()).containsEntry("post_id", post).containsEntry("parent_id", post).containsEntry("page_id", ReadApiFake.PAGE_ID);
    assertThat(fake.count("/v25.0/" + post + "/comments")).as("later comment pages").isEqualTo(2);
    assertThat(stored).hasSize(11 + 5);
  }

  @Test
  void aFacebookRunStopsAtItsBounds() {
    facebookThreads();
    Reconciler.Result r = run(facebook(config(2, 500, 2, 1 << 20)));
    // the two conversations updated last (newest first, as Graph lists them)
    assertThat(submitted).extracting(Inbound::threadKey).containsOnly("240000000000000", "240000000000002");

    submitted.clear();
    Reconciler.Result capped = run(facebook(config(50, 3, 2, 1 << 20)));
    assertThat(capped.fetched()).isEqualTo(3);
    assertThat(r.outcome()).isEqualTo(RunOutcome.OK);
  }

  @Test
  void zaloRunReadsEachRecentUsersMessagesButNotTheOas() {
    for (int u = 0; u < 12; u++) {
      String user = "81000000000000000" + (u < 10 ? "0" + u : u);
      int base = u < 11 ? 55 - u : 300;
      for (int i = 0; i < (u == 0 ? 13 : 1); i++) {
        fake.reads.zalo(user, "zm" + u + "x" + i, true, "Khu phố em bị ngập, tin " + i, ago(base - i * 3));
      }
      fake.reads.zalo(user, "zoa" + u, false, "OA đã nhận", ago(base - 1));
    }
    Reconciler.Result r = run(zalo(config(50, 500, 25, 1 << 20)));

    assertThat(r.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(submitted).extracting(Inbound::externalId).doesNotContain("zoa0", "zm11x0").contains("zm10x0");
    assertThat(submitted.stream().filter(i -> i.threadKey().equals("8100000000000000000")).map(Inbound::externalId).toList())
        .containsExactly(Stream.iterate(0, i -> i + 1).limit(13).map(i -> "zm0x" + i).toArray(String[]::new));
    assertThat(submitted).hasSize(13 + 10);
    Inbound one = submitted.get(0);
    assertThat(one.channel()).isEqualTo(Channel.ZALO);
    assertThat(one.contact().address()).isEqualTo(one.threadKey());
    assertThat(one.facts()).containsEntry("event_name", "user_send_text").containsEntry("oa_id", ReadApiFake.OA_ID);
    assertThat(fake.calls).allSatisfy(c -> assertThat(c.headers().get("access_token")).isEqualTo("zalo-token"));
    // 19-digit ids travel as written, never through a double
    assertThat(fake.calls).anySatisfy(c -> assertThat(c.query()).contains("8100000000000000000"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ReadApiFake.OA_ID})
  void zaloRowsWithoutSrcAreToldApartByTheOaId(String configuredOaId) {
    fake.reads.omitSrc = true;
    for (int u = 0; u < 3; u++) {
      String user = "810000000000000000" + u;
      fake.reads.zalo(user, "zn" + u, true, "Hỏi về hộ nghèo " + u, ago(30 - u));
      fake.reads.zalo(user, "znoa" + u, false, "OA trả lời", ago(29 - u));
    }
    ReconcileConfig c = new ReconcileConfig(true, 600, 1000, 60, 50, 500, 25, 1 << 20, 2000, ReadApiFake.PAGE_ID, configuredOaId, "t", false);
    Reconciler.Result r = run(zalo(c));
    assertThat(r.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(submitted).extracting(Inbound::externalId).containsExactlyInAnyOrder("zn0", "zn1", "zn2");
  }

  static Stream<Arguments> hostileFacebook() {
    String huge = new JsonObject().put("data", new io.vertx.core.json.JsonArray().add("x".repeat(5000))).encode();
    return Stream.of(
        Arguments.of(200, "{\"data\": [", RunOutcome.MALFORMED),
        Arguments.of(200, "[]", RunOutcome.MALFORMED),
        Arguments.of(200, "{\"data\":\"not a list\"}", RunOutcome.MALFORMED),
        Arguments.of(200, huge, RunOutcome.TOO_LARGE),
        Arguments.of(500, "<html>oops</html>", RunOutcome.HTTP_5XX),
        Arguments.of(503, "", RunOutcome.HTTP_5XX),
        Arguments.of(429, "", RunOutcome.RATE_LIMITED),
        Arguments.of(400, ProviderFake.graphError(190, 463).encode(), RunOutcome.TOKEN_INVALID),
        Arguments.of(400, ProviderFake.graphError(613, 0).encode(), RunOutcome.RATE_LIMITED),
        Arguments.of(400, ProviderFake.graphError(100, 33).encode(), RunOutcome.API_ERROR),
        Arguments.of(404, "not found", RunOutcome.HTTP_ERROR));
  }

  @ParameterizedTest
  @MethodSource("hostileFacebook")
  void aHostileGraphAnswerEndsTheRunWithItsOutcomeAndStoresNothing(int status, String body, RunOutcome expected) {
    facebookThreads();
    fake.nextRaw(ReadApiFake.CONVERSATIONS_PATH, status, body);
    Reconciler.Result r = run(facebook(config(50, 500, 2, 4096)));
    assertThat(r.outcome()).isEqualTo(expected);
    assertThat(submitted).isEmpty();
    assertThat(runs(Channel.FACEBOOK, expected)).isEqualTo(1);

    // the next run, with the API healthy again, reads everything
    assertThat(run(facebook(config(50, 500, 2, 4096))).outcome()).isEqualTo(RunOutcome.OK);
    assertThat(stored).hasSize(11);
  }

  static Stream<Arguments> hostileZalo() {
    return Stream.of(
        Arguments.of(200, ProviderFake.zaloError(-216).encode(), RunOutcome.TOKEN_INVALID),
        Arguments.of(200, ProviderFake.zaloError(-220).encode(), RunOutcome.TOKEN_INVALID),
        Arguments.of(200, ProviderFake.zaloError(-32).encode(), RunOutcome.RATE_LIMITED),
        Arguments.of(200, ProviderFake.zaloError(-201).encode(), RunOutcome.API_ERROR),
        Arguments.of(200, "{\"error\":0,\"message\":\"Success\"}", RunOutcome.MALFORMED),
        Arguments.of(200, "{\"data\":[]}", RunOutcome.MALFORMED),
        Arguments.of(200, "{\"error\":0,\"data\":[{\"src\":1,", RunOutcome.MALFORMED),
        Arguments.of(502, "Bad Gateway", RunOutcome.HTTP_5XX));
  }

  @ParameterizedTest
  @MethodSource("hostileZalo")
  void aHostileZaloAnswerEndsTheRunWithItsOutcomeAndStoresNothing(int status, String body, RunOutcome expected) {
    fake.reads.zalo("8100000000000000001", "zh1", true, "Cây đổ chắn đường", ago(5));
    fake.nextRaw(ReadApiFake.ZALO_RECENT_PATH, status, body);
    Reconciler.Result r = run(zalo(config(50, 500, 25, 4096)));
    assertThat(r.outcome()).isEqualTo(expected);
    assertThat(submitted).isEmpty();
    assertThat(runs(Channel.ZALO, expected)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomBytesFromEitherReadApiNeverStoreAnything(long seed) {
    Random random = new Random(seed);
    byte[] junk = new byte[random.nextInt(3000)];
    random.nextBytes(junk);
    String body = new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1);
    facebookThreads();
    fake.nextRaw(ReadApiFake.CONVERSATIONS_PATH, 200, body);
    fake.nextRaw(ReadApiFake.ZALO_RECENT_PATH, 200, body);
    assertThat(run(facebook(config(50, 500, 2, 4096))).outcome()).isIn(RunOutcome.MALFORMED, RunOutcome.TOO_LARGE);
    assertThat(run(zalo(config(50, 500, 2, 4096))).outcome()).isIn(RunOutcome.MALFORMED, RunOutcome.TOO_LARGE);
    assertThat(submitted).isEmpty();
  }

  @Test
  void itemsOfTheWrongShapeAreSkippedAndTheRestOfThePageTaken() {
    JsonObject page = new JsonObject().put("data", new io.vertx.core.json.JsonArray()
        .add("a string")
        .add(new JsonObject().put("id", "t_1").put("updated_time", "2099-01-01T00:00:00+0000").put("messages", new JsonObject()
            .put("data", new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("id", "m_ok").put("created_time", "2099-01-01T00:00:00+0000")
                    .put("from", new JsonObject().put("id", "2400000000000009")).put("message", "Còn nguyên"))
                .add(new JsonObject().put("id", 12.5).put("created_time", "2099-01-01T00:00:00+0000"))
                .add(new JsonObject().put("id", "m_notime").put("from", new JsonObject().put("id", "2400000000000009")))
                .add(new JsonObject().put("id", "m_badtime").put("created_time", "yesterday").put("from", new JsonObject().put("id", "2")))
                .add(new JsonObject().put("id", "m_nofrom").put("created_time", "2099-01-01T00:00:00+0000"))))));
    fake.next(ReadApiFake.CONVERSATIONS_PATH, 200, page);
    Reconciler.Result r = run(facebook(config(50, 500, 2, 1 << 20)));
    assertThat(r.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(submitted).extracting(Inbound::externalId).containsExactly("m_ok");
  }

  @Test
  void aHugePageWithinTheByteCapIsTakenOnlyUpToTheRunsBounds() {
    io.vertx.core.json.JsonArray conversations = new io.vertx.core.json.JsonArray();
    for (int t = 0; t < 3000; t++) {
      String at = "2099-01-01T00:00:00+0000";
      conversations.add(new JsonObject().put("id", "t_" + t).put("updated_time", at).put("messages", new JsonObject()
          .put("data", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "m_huge_" + t).put("created_time", at)
              .put("from", new JsonObject().put("id", "25" + t)).put("message", "tin " + t)))));
    }
    fake.next(ReadApiFake.CONVERSATIONS_PATH, 200, new JsonObject().put("data", conversations)
        .put("paging", new JsonObject().put("cursors", new JsonObject().put("after", "x")).put("next", "https://graph/next")));
    Reconciler.Result r = run(facebook(config(40, 30, 25, 2 << 20)));
    assertThat(r.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(submitted).hasSize(30);
    assertThat(fake.count(ReadApiFake.CONVERSATIONS_PATH)).as("no next page once the bounds are reached").isEqualTo(1);
  }

  @Test
  void aFailureOnALaterPageKeepsTheWholeMessagesReadBeforeItAndTheNextRunTheRest() {
    facebookThreads();
    fake.nextAsUsual(ReadApiFake.CONVERSATIONS_PATH).nextRaw(ReadApiFake.CONVERSATIONS_PATH, 500, "down");
    Reconciler.Result r = run(facebook(config(50, 500, 2, 1 << 20)));
    assertThat(r.outcome()).isEqualTo(RunOutcome.HTTP_5XX);
    assertThat(r.recovered()).isEqualTo(9); // threads 0 and 1: the first page of conversations
    Reconciler.Result next = run(facebook(config(50, 500, 2, 1 << 20)));
    assertThat(next.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(next.recovered()).isEqualTo(2);
    assertThat(stored).hasSize(11);
  }

  @Test
  void anIntakeRefusalEndsTheRunAndTheNextStoresTheRestExactlyOnce() {
    facebookThreads();
    int[] calls = {0};
    Reconciler.Result r = reconciler(in -> ++calls[0] > 4
        ? Future.failedFuture(new IntakeException(IntakeException.Reason.UNAVAILABLE, "database down"))
        : submit(in)).run(facebook(config(50, 500, 2, 1 << 20)), ago(60)).await();
    assertThat(r.outcome()).isEqualTo(RunOutcome.INTAKE_FAILED);
    assertThat(r.recovered()).isEqualTo(4);
    assertThat(runs(Channel.FACEBOOK, RunOutcome.INTAKE_FAILED)).isEqualTo(1);

    Reconciler.Result next = run(facebook(config(50, 500, 2, 1 << 20)));
    assertThat(next.outcome()).isEqualTo(RunOutcome.OK);
    assertThat(next.recovered()).isEqualTo(7);
    assertThat(recovered(Channel.FACEBOOK)).isEqualTo(11);
  }

  @Test
  void aRunWhoseLockIsHeldElsewhereReadsNothing() {
    facebookThreads();
    lockBusy.set(true);
    assertThat(run(facebook(config(50, 500, 2, 1 << 20))).outcome()).isEqualTo(RunOutcome.LOCKED);
    assertThat(fake.calls).isEmpty();
    assertThat(runs(Channel.FACEBOOK, RunOutcome.LOCKED)).isEqualTo(1);
  }

  @Test
  void withoutTokensTheRunsSaySo() {
    ReconcileConfig c = config(50, 500, 2, 1 << 20);
    PlatformReader noPage = new FacebookConversations(new WebhookConfig(1 << 20, "s", "v", "", fake.baseUrl(), "v25.0", "", "", "z", "",
        fake.baseUrl(), fake.baseUrl(), false), c, api(c));
    assertThat(run(noPage).outcome()).isEqualTo(RunOutcome.NOT_CONFIGURED);
    PlatformReader noToken = new ZaloConversations(webhooks(), c, api(c), () -> Future.failedFuture("none"));
    assertThat(run(noToken).outcome()).isEqualTo(RunOutcome.NO_ACCESS_TOKEN);
    assertThat(fake.calls).isEmpty();
  }

  @Test
  void aSlowReadApiTimesOut() {
    fake.reads.zalo("8100000000000000001", "zslow", true, "Chậm", ago(5));
    fake.readDelayMs = 3000;
    ReconcileConfig c = new ReconcileConfig(true, 600, 1000, 60, 50, 500, 25, 1 << 20, 300, ReadApiFake.PAGE_ID, "", "t", false);
    assertThat(run(zalo(c)).outcome()).isEqualTo(RunOutcome.TIMEOUT);
    assertThat(submitted).isEmpty();
  }
}
