package org.hotline1022.gateway.adapter.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The web portal against a real (embedded) Postgres: what a citizen's browser sees, and what is stored. */
class WebIntakeIT {
  private static final String PATH = "/api/v1/web/inquiries";

  @TempDir
  static Path dataDir;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start(dataDir, Map.of());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static HttpResponse<Buffer> postJson(JsonObject body) {
    return gw.http.post(PATH).putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()).await();
  }

  @Test
  void submissionAnswers201WithATrackingCodeTheCitizenCanLookUp() {
    HttpResponse<Buffer> created = postJson(new JsonObject().put("text", "Xin hỏi thủ tục cấp giấy đi đường").put("name", "Nguyễn Văn A")
        .put("phone", "0912 345 678"));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject body = created.bodyAsJsonObject();
    assertThat(body.getString("trackingCode")).matches("1022-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
    assertThat(body.getString("status")).isEqualTo("new");
    assertThat(body.getString("department")).isNotBlank();
    assertThat(body.getString("dueAt")).isNotBlank();

    String code = body.getString("trackingCode");
    assertThat(gw.count("select count(*) from inquiry i join contact c on c.id = i.contact_id where i.tracking_code = '" + code
        + "' and c.address = '+84912345678' and c.display_name = 'Nguyễn Văn A'")).isEqualTo(1);

    // lookups ignore case and dashes
    HttpResponse<Buffer> status = gw.http.get(PATH + "/" + code.toLowerCase().replace("-", "")).send().await();
    assertThat(status.statusCode()).isEqualTo(200);
    JsonObject view = status.bodyAsJsonObject();
    assertThat(view.getString("trackingCode")).isEqualTo(code);
    assertThat(view.getString("status")).isEqualTo("new");
    assertThat(view.getJsonArray("answers")).isEmpty();
    assertThat(view.fieldNames()).containsExactlyInAnyOrder("trackingCode", "status", "createdAt", "answers");
  }

  @Test
  void formEncodedSubmissionIsAccepted() {
    HttpResponse<Buffer> r = gw.http.post(PATH).putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer("text=H%E1%BB%8Fi+v%E1%BB%81+tr%E1%BB%A3+c%E1%BA%A5p&email=Dan.Nguyen%40Example.VN")).await();
    assertThat(r.statusCode()).isEqualTo(201);
    String code = r.bodyAsJsonObject().getString("trackingCode");
    assertThat(gw.count("select count(*) from inquiry i join contact c on c.id = i.contact_id join message m on m.inquiry_id = i.id"
        + " where i.tracking_code = '" + code + "' and c.email = 'dan.nguyen@example.vn' and m.body = 'Hỏi về trợ cấp'")).isEqualTo(1);
  }

  @Test
  void unknownTrackingCodeIs404() {
    assertThat(gw.http.get(PATH + "/1022-ZZZZ-ZZZZ").send().await().statusCode()).isEqualTo(404);
    assertThat(gw.http.get(PATH + "/not-a-code").send().await().statusCode()).isEqualTo(404);
  }

  @Test
  void repeatedSubmissionIdAnswers200WithTheSameCodeAndStoresNothingNew() {
    String sid = "form-" + UUID.randomUUID();
    JsonObject form = new JsonObject().put("text", "Đường bị ngập, xe không qua được").put("submissionId", sid);
    HttpResponse<Buffer> first = postJson(form);
    HttpResponse<Buffer> again = postJson(form);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getString("trackingCode")).isEqualTo(first.bodyAsJsonObject().getString("trackingCode"));
    assertThat(gw.count("select count(*) from message where channel = 'web' and external_id = '" + sid + "'")).isEqualTo(1);
    assertThat(gw.count("select count(*) from event e join message m on m.inquiry_id = e.inquiry_id where m.external_id = '" + sid + "'"))
        .isEqualTo(1);
  }

  @Test
  void twoThousandConcurrentSubmissionsWithRetriesAreStoredExactlyOnce() {
    long before = gw.count("select count(*) from inquiry");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ids.add("bulk-" + i + "-" + UUID.randomUUID());
    }
    // every fourth submission is sent twice at once, as an impatient browser would
    List<String> sends = new ArrayList<>(ids);
    for (int i = 0; i < ids.size(); i += 4) {
      sends.add(ids.get(i));
    }
    java.util.Collections.shuffle(sends, new java.util.Random(42));
    List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
    for (String sid : sends) {
      responses.add(gw.http.post(PATH).putHeader("Content-Type", "application/json")
          .sendBuffer(new JsonObject().put("text", "Hỏi về lịch tiêm chủng, mã " + sid).put("submissionId", sid).toBuffer()));
    }
    Future.join(responses).await();

    Map<String, Set<String>> codesById = new java.util.HashMap<>();
    int created = 0;
    for (int i = 0; i < sends.size(); i++) {
      HttpResponse<Buffer> r = responses.get(i).result();
      assertThat(r.statusCode()).as("submission %s", sends.get(i)).isIn(200, 201);
      created += r.statusCode() == 201 ? 1 : 0;
      codesById.computeIfAbsent(sends.get(i), k -> new HashSet<>()).add(r.bodyAsJsonObject().getString("trackingCode"));
    }
    assertThat(created).isEqualTo(2000);
    assertThat(codesById.values()).allSatisfy(codes -> assertThat(codes).hasSize(1));
    assertThat(codesById.values().stream().flatMap(Set::stream).distinct().count()).isEqualTo(2000);
    assertThat(gw.count("select count(*) from inquiry") - before).isEqualTo(2000);
    assertThat(gw.count("select count(*) from message where external_id like 'bulk-%'")).isEqualTo(2000);
  }

  static Stream<Arguments> badInput() {
    String longText = "a".repeat(5001);
    return Stream.of(
        Arguments.of("application/json", "{\"text\":\"\"}", "text"),
        Arguments.of("application/json", "{\"text\":\"   \"}", "text"),
        Arguments.of("application/json", "{}", "text"),
        Arguments.of("application/json", "{\"text\":\"" + longText + "\"}", "text"),
        Arguments.of("application/json", "{\"text\":42}", "text"),
        Arguments.of("application/json", "{\"text\":\"ok\",\"phone\":\"12ab\"}", "phone"),
        Arguments.of("application/json", "{\"text\":\"ok\",\"email\":\"not-an-address\"}", "email"),
        Arguments.of("application/json", "{\"text\":\"ok\",\"submissionId\":\"x\"}", "submissionId"),
        Arguments.of("application/json", "{\"text\": \"truncated", "body"),
        Arguments.of("application/json", "[1,2]", "body"),
        Arguments.of("text/plain", "text=hello", "body"),
        Arguments.of("application/x-www-form-urlencoded", "text=%E1%BB", "text"),
        Arguments.of("application/x-www-form-urlencoded", "text=%G1", "body"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badInputGets400NamingTheFieldAndStoresNothing(String contentType, String body, String field) {
    long before = gw.count("select count(*) from message");
    HttpResponse<Buffer> r = gw.http.post(PATH).putHeader("Content-Type", contentType)
        .sendBuffer(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))).await();
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
    assertThat(r.bodyAsJsonObject().getString("error")).isNotBlank();
    assertThat(gw.count("select count(*) from message")).isEqualTo(before);
  }

  @Test
  void invalidUtf8AndOversizedBodiesAreRefused() {
    HttpResponse<Buffer> badBytes = gw.http.post(PATH).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})).await();
    assertThat(badBytes.statusCode()).isEqualTo(400);
    assertThat(badBytes.bodyAsJsonObject().getString("error")).isEqualTo("invalid_utf8");

    HttpResponse<Buffer> huge = gw.http.post(PATH).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"text\":\"" + "x".repeat(70_000) + "\"}")).await();
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(huge.bodyAsJsonObject().getString("field")).isEqualTo("body");
    assertThat(huge.bodyAsJsonObject().getString("error")).isEqualTo("body_too_large");
  }

  @Test
  void nulCharactersAndDecomposedVietnameseAreStoredCleanAndNfc() {
    // "Hỏi" written decomposed (o + combining hook + combining dot), plus a NUL Postgres would refuse
    String decomposed = "Ho\u0309i ve\u0302\u0300 tie\u0302m chu\u0309ng\u0000";
    HttpResponse<Buffer> r = postJson(new JsonObject().put("text", decomposed));
    assertThat(r.statusCode()).isEqualTo(201);
    String code = r.bodyAsJsonObject().getString("trackingCode");
    assertThat(gw.count("select count(*) from message m join inquiry i on i.id = m.inquiry_id where i.tracking_code = '" + code
        + "' and m.body = 'Hỏi về tiêm chủng'")).isEqualTo(1);
  }

  @Test
  void everyCommittedInquiryHasItsCreatedEventInSeqOrder() {
    HttpResponse<Buffer> r = postJson(new JsonObject().put("text", "Cho hỏi giờ làm việc của bộ phận một cửa"));
    String code = r.bodyAsJsonObject().getString("trackingCode");
    var row = gw.sql().query("select e.type, e.payload from event e join inquiry i on i.id = e.inquiry_id where i.tracking_code = '"
        + code + "'").execute().await().iterator().next();
    assertThat(row.getString("type")).isEqualTo("inquiry.created");
    JsonObject payload = (JsonObject) row.getValue("payload");
    assertThat(payload.getJsonObject("inquiry").getString("trackingCode")).isEqualTo(code);
    assertThat(payload.getJsonObject("message").getString("text")).isEqualTo("Cho hỏi giờ làm việc của bộ phận một cửa");
  }

  @Test
  void metricsAndHealthAreServed() {
    assertThat(gw.http.get("/health/live").send().await().statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = gw.http.get("/health/ready").send().await();
    assertThat(ready.statusCode()).isEqualTo(200);
    postJson(new JsonObject().put("text", "kiểm tra số liệu"));
    String metrics = gw.http.get("/metrics").send().await().bodyAsString();
    assertThat(metrics).contains("hotline_inquiries_received_total{channel=\"web\",outcome=\"stored\"}")
        .contains("hotline_writer_batch_size").contains("hotline_writer_queue_depth").contains("hotline_intake_ack_latency_seconds");
  }

  @Test
  void publicPageIsServedInVietnamese() {
    HttpResponse<Buffer> page = gw.http.get("/").send().await();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("Tổng đài 1022").contains("Mã tra cứu");
    var console = gw.http.get("/console/").send().await();
    assertThat(console.statusCode()).isEqualTo(200);
    assertThat(console.getHeader("Content-Type")).startsWith("text/html");
  }
}
