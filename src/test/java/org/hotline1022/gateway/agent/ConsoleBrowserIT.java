package org.hotline1022.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hotline1022.gateway.app.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The agents' console ({@code /console/}) in headless Chromium against a real gateway: sign-in, the
 * live queue, a conversation with claim and reply, hostile citizen text, and the connection banner
 * with a resume that neither loses nor repeats an event. Debian's chromium and chromedriver only;
 * nothing is downloaded. Screenshots go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
  private static final String TITLE = "Tổng đài 1022 — Bàn điều hành";

  @TempDir
  static Path tmp;
  static TestGateway gw;
  static WebDriver driver;
  static WebDriverWait wait;
  static List<String> codes = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    ConsoleBrowser.require("ConsoleBrowserIT");
    gw = TestGateway.start(tmp.resolve("pg"), Map.of());
    driver = ConsoleBrowser.start(tmp);
    wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (gw != null) {
        gw.close();
      }
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + gw.port();
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  private static void shot(String name) throws IOException {
    ConsoleBrowser.shot(driver, name);
  }

  private static String row(String code) {
    return "#queue li[data-code=\"" + code + "\"]";
  }

  /** Opens the console (with the test hook) signed in as an operator, with the socket live and the queue loaded. */
  private static void openLive() {
    driver.get(base() + "/console/index.html?test");
    if (byId("signin-view").isDisplayed()) {
      byId("token").sendKeys(gw.token("agent1", "operator", null));
      byId("signin").click();
    }
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("agent-info")));
    wait.until(d -> Boolean.TRUE.equals(js("return !!window.__consoleTest && window.__consoleTest.connected()"
        + " && window.__consoleTest.lastSeq() !== null && document.getElementById('queue-status').textContent === ''")));
  }

  @Test
  @Order(1)
  void aBadTokenIsRefusedAndAGoodOneShowsWhoIsSignedIn() throws IOException {
    driver.get(base() + "/console/index.html");
    assertThat(driver.getTitle()).isEqualTo(TITLE);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys("not-a-token");
    byId("signin").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "không hợp lệ"));
    assertThat(byId("console-view").isDisplayed()).isFalse();
    shot("console-signin-refused");

    byId("token").clear();
    openLive();
    assertThat(byId("agent-name").getText()).isEqualTo("agent1");
    assertThat(byId("agent-role").getText()).contains("Điện thoại viên");
    assertThat(byId("banner").isDisplayed()).isFalse();
  }

  @Test
  @Order(2)
  void aPostedInquiryAppearsLiveAndTheAgentClaimsAndAnswersIt() throws Exception {
    openLive();
    String citizen = "Con tôi sốt cao 39 độ, co giật, ở xã Quảng Tâm, cần hướng dẫn gấp";
    String code = gw.post(citizen);
    codes.add(code);
    gw.post("Xin hỏi thủ tục đăng ký tạm trú cho người lao động ở khu công nghiệp");

    // live: no reload
    WebElement item = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(code))));
    wait.until(d -> d.findElement(By.cssSelector(row(code) + " .preview")).getText().contains("co giật"));
    assertThat(item.getAttribute("data-priority")).isEqualTo("urgent");
    assertThat(item.findElement(By.cssSelector(".badge.urgent")).getText()).isEqualTo("KHẨN");
    // urgent first
    assertThat(driver.findElement(By.cssSelector("#queue li")).getAttribute("data-code")).isEqualTo(code);
    assertThat(item.findElement(By.cssSelector(".due")).getText()).startsWith("còn ");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("announcer"), code));

    item.findElement(By.cssSelector("button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#messages .msg.in .text"), "co giật"));
    assertThat(byId("d-code").getText()).isEqualTo(code);

    byId("claim").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"), "Nhận xử lý: thành công"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("claim"), "Bạn đang xử lý"));
    wait.until(d -> "assigned".equals(d.findElement(By.cssSelector(row(code))).getAttribute("data-status")));

    String answer = "Gia đình cho cháu nằm nghiêng, chườm mát và đưa ngay tới trạm y tế xã; xe cấp cứu 115 đang tới.";
    byId("reply-text").sendKeys(answer);
    byId("reply-send").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"), "Gửi trả lời: thành công"));
    WebElement out = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages .msg.out")));
    assertThat(out.findElement(By.cssSelector(".text")).getText()).isEqualTo(answer);
    assertThat(out.findElement(By.cssSelector(".delivery")).getAttribute("data-delivery")).isIn("pending", "sent");
    assertThat(byId("reply-text").getAttribute("value")).isEmpty();
    wait.until(d -> "answered".equals(d.findElement(By.cssSelector(row(code))).getAttribute("data-status")));

    byId("note-text").sendKeys("Đã gọi trạm y tế xã Quảng Tâm");
    byId("note-send").click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages .msg.note")));
    shot("console-queue-and-conversation");

    // the citizen's side
    JsonArray answers = new JsonArray();
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      var r = gw.http.get("/api/v1/web/inquiries/" + code).send().await();
      assertThat(r.statusCode()).isEqualTo(200);
      answers = r.bodyAsJsonObject().getJsonArray("answers");
      if (!answers.isEmpty()) {
        break;
      }
      Thread.sleep(200);
    }
    // the web channel's sender delivered it: the citizen sees exactly the agent's answer
    assertThat(answers.stream().map(a -> ((JsonObject) a).getString("text"))).containsExactly(answer);
  }

  @Test
  @Order(3)
  void hostileCitizenTextRendersAsText() {
    openLive();
    String hostile = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned2'</script> đèn đường hỏng";
    String code = gw.post(hostile);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(code))));
    wait.until(d -> d.findElement(By.cssSelector(row(code) + " .preview")).getText().equals(hostile));
    driver.findElement(By.cssSelector(row(code) + " button")).click();
    WebElement text = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages .msg.in .text")));
    wait.until(ExpectedConditions.textToBePresentInElement(text, "đèn đường hỏng"));
    assertThat(text.getText()).isEqualTo(hostile);
    assertThat(driver.findElements(By.cssSelector("#queue img, #detail img, #queue script, #detail script"))).isEmpty();
    assertThat(driver.getTitle()).isEqualTo(TITLE);
  }

  @Test
  @Order(4)
  void theBannerShowsWhileDisconnectedAndAnEventFromTheOutageArrivesExactlyOnce() throws Exception {
    openLive();
    js("window.__consoleTest.dropSocket(true)");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("banner")));
    assertThat(byId("banner").getText()).isEqualTo("Mất kết nối — đang kết nối lại...");

    String code = gw.post("Chợ đầu mối tăng giá rau bất thường trong lúc giãn cách, đề nghị kiểm tra");
    Thread.sleep(500);
    assertThat(driver.findElements(By.cssSelector(row(code)))).isEmpty();
    shot("console-disconnected");

    js("window.__consoleTest.resume()");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("banner")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(code))));
    // live again after the resume
    String after = gw.post("Xin hỏi lịch tiêm chủng cho trẻ dưới 5 tuổi tại phường Ba Đình");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(after))));

    assertThat(driver.findElements(By.cssSelector(row(code)))).hasSize(1);
    @SuppressWarnings("unchecked")
    List<String> applied = (List<String>) js("return window.__consoleTest.applied(arguments[0])", code);
    assertThat(applied).hasSize(1);
    assertThat(applied.get(0)).startsWith("inquiry.created#");
    long seq = gw.sql().preparedQuery("select e.seq from event e join inquiry i on i.id = e.inquiry_id where i.tracking_code = $1")
        .execute(Tuple.of(code)).await().iterator().next().getLong(0);
    assertThat(applied.get(0)).isEqualTo("inquiry.created#" + seq);
    assertThat(byId("banner").isDisplayed()).isFalse();
  }

  @Test
  @Order(5)
  void dueTimesCountDownAndTurnAmberThenRed() throws Exception {
    openLive();
    String soon = gw.post("Xin hỏi giờ làm việc của bộ phận một cửa huyện Quan Hóa");
    String late = gw.post("Đề nghị sửa đường ống nước bị vỡ ở thôn Trung Sơn");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(late))));
    // move the deadlines (no command does that), then a note pushes fresh snapshots through the socket
    gw.sql().preparedQuery("update inquiry set due_at = now() + interval '3 minutes' where tracking_code = $1").execute(Tuple.of(soon)).await();
    gw.sql().preparedQuery("update inquiry set due_at = now() - interval '2 minutes' where tracking_code = $1").execute(Tuple.of(late)).await();
    String token = gw.token("sup-1", "supervisor", null);
    for (String code : List.of(soon, late)) {
      var r = gw.http.post("/api/v1/inquiries/" + code + "/note").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("text", "kiểm tra hạn")).await();
      assertThat(r.statusCode()).isEqualTo(200);
    }
    wait.until(d -> d.findElement(By.cssSelector(row(soon) + " .due")).getAttribute("class").contains("warn"));
    wait.until(d -> d.findElement(By.cssSelector(row(late) + " .due")).getAttribute("class").contains("over"));
    String before = driver.findElement(By.cssSelector(row(soon) + " .due")).getText();
    assertThat(before).startsWith("còn 0:0");
    assertThat(driver.findElement(By.cssSelector(row(late) + " .due")).getText()).startsWith("quá hạn 0:0");
    wait.until(d -> !d.findElement(By.cssSelector(row(soon) + " .due")).getText().equals(before)); // ticks every second
    // a hostile-text inquiry from an earlier test is open in the queue too: still plain text
    assertThat(driver.getTitle()).isEqualTo(TITLE);
    driver.findElement(By.cssSelector(row(late) + " button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#messages .msg.note .text"), "kiểm tra hạn"));
    shot("console-deadlines");
  }

  @Test
  @Order(6)
  void searchWithoutDiacriticsAndFiltersNarrowTheQueue() {
    openLive();
    String pipe = gw.post("Nước sinh hoạt ở khu tái định cư bị đục, có mùi lạ");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(pipe))));
    WebElement q = byId("f-q");
    q.sendKeys("nuoc sinh hoat");
    q.sendKeys(org.openqa.selenium.Keys.ENTER);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("search-state")));
    wait.until(d -> d.findElements(By.cssSelector("#queue li")).size() == 1);
    assertThat(driver.findElement(By.cssSelector("#queue li")).getAttribute("data-code")).isEqualTo(pipe);
    byId("f-clear").click();
    wait.until(d -> d.findElements(By.cssSelector("#queue li")).size() > 1);

    new org.openqa.selenium.support.ui.Select(byId("f-priority")).selectByValue("urgent");
    wait.until(d -> d.findElements(By.cssSelector("#queue li")).stream().allMatch(li -> "urgent".equals(li.getAttribute("data-priority"))));
    assertThat(driver.findElements(By.cssSelector("#queue li"))).isNotEmpty();
    new org.openqa.selenium.support.ui.Select(byId("f-priority")).selectByValue("");
  }
  @Test
  @Order(7)
  void aRingingCallShowsLiveAndItsCallbackIsRecordedFromTheConsole() throws Exception {
    openLive();
    var calls = gw.gateway.callIntake();
    java.time.Instant t0 = java.time.Instant.now();
    calls.submit(org.hotline1022.gateway.store.Calls.offered("ui-call-1", t0, "0912 555 001",
        org.hotline1022.gateway.inquiry.CallSignal.Source.HEP)).await();
    calls.submit(org.hotline1022.gateway.store.Calls.ringing("ui-call-1", t0.plusMillis(200), "0912 555 001",
        org.hotline1022.gateway.inquiry.CallSignal.Source.HEP)).await();
    String live = "#calls li[data-call-id=\"ui-call-1\"]";
    wait.until(d -> !d.findElements(By.cssSelector(live)).isEmpty()
        && "ringing".equals(d.findElement(By.cssSelector(live)).getAttribute("data-state")));
    assertThat(driver.findElement(By.cssSelector(live + " .caller")).getText()).isEqualTo("+84912555001");
    assertThat(driver.findElement(By.cssSelector(live + " .state")).getText()).isEqualTo("Đang đổ chuông");
    shot("console-calls");
    // a reloaded console lists the call from REST (its events came before the reload)
    openLive();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(live)));

    String code = calls.submit(org.hotline1022.gateway.store.Calls.ended("ui-call-1", t0.plusSeconds(20), "0912 555 001",
        org.hotline1022.gateway.inquiry.CallCause.NO_ANSWER, org.hotline1022.gateway.inquiry.CallSignal.Source.HEP)).await().trackingCode();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(live)));
    WebElement item = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(code))));
    assertThat(item.getAttribute("data-status")).isEqualTo("callback");

    item.findElement(By.cssSelector("button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#messages .msg.in .text"), "Cuộc gọi nhỡ"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("callback-group")));
    new org.openqa.selenium.support.ui.Select(byId("callback-outcome")).selectByValue("no_answer");
    byId("callback-note").sendKeys("Thuê bao không nghe máy");
    byId("callback").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"), "Ghi kết quả gọi lại: thành công"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "Gọi lại lần 1: Không nghe máy"));

    new org.openqa.selenium.support.ui.Select(byId("callback-outcome")).selectByValue("reached");
    byId("callback").click();
    wait.until(d -> "assigned".equals(d.findElement(By.cssSelector(row(code))).getAttribute("data-status")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("callback-attempts"), "Đã gọi lại 2 lần"));
    assertThat(gw.count("select count(*) from callback_attempt a join inquiry i on i.id = a.inquiry_id where i.tracking_code = '"
        + code + "'")).isEqualTo(2);
    shot("console-callback");
  }
}
