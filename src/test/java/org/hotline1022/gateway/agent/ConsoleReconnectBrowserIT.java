package org.hotline1022.gateway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hotline1022.gateway.app.TestGateway;
import org.hotline1022.gateway.support.Eventually;
import org.hotline1022.gateway.support.PgServer;
import org.hotline1022.gateway.support.Ports;
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
 * The console's sign-out and reconnect paths in headless Chromium against real gateways: a restart
 * (shutdown frame, close 1012) with inquiries posted meanwhile, an expired token, a revoked one, a
 * token without a console role, and a {@code lagged} frame. Gateway A (fixed port, restarted by the
 * tests) and gateway B (another replica on the same Postgres) share one database, so inquiries can be
 * posted while A is down. The lagged case goes through {@link LagRelay} in front of B. Everything
 * asserted is what the agent sees. Screenshots go to {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleReconnectBrowserIT {
  private static final String EXPIRED = "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại";
  private static final String RESTARTING = "Máy chủ đang khởi động lại";
  private static final String LOST = "Mất kết nối — đang kết nối lại...";
  private static final Duration RECONNECT = Duration.ofSeconds(40);

  @TempDir
  static Path tmp;
  static PgServer pg;
  static int portA;
  static TestGateway a;
  static TestGateway b;
  static WebDriver driver;
  static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    ConsoleBrowser.require("ConsoleReconnectBrowserIT");
    pg = PgServer.start(tmp.resolve("pg"));
    portA = Ports.free();
    a = startA(TestGateway.SECRET);
    b = TestGateway.start(tmp.resolve("b"), Map.of("HOTLINE_DB_URL", pg.url()));
    driver = ConsoleBrowser.start(tmp);
    wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      for (TestGateway g : new TestGateway[] {a, b}) {
        if (g != null) {
          g.close();
        }
      }
      if (pg != null) {
        pg.close();
      }
    }
  }

  /** Gateway A on its fixed port, verifying tokens with {@code secret}. */
  private static TestGateway startA(String secret) {
    return TestGateway.start(tmp.resolve("a"), Map.of("HOTLINE_DB_URL", pg.url(), "HOTLINE_HTTP_PORT", String.valueOf(portA),
        "HOTLINE_JWT_SECRET", secret));
  }

  /** Stops A (its agents get the shutdown frame and close 1012) and starts it again on the same port. */
  private static void restartA(String secret) {
    a.close();
    a = startA(secret);
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  private static String row(String code) {
    return "#queue li[data-code=\"" + code + "\"]";
  }

  /** Opens the console on {@code port} signed in with {@code token}, the socket live and the queue loaded. */
  private static void signIn(int port, java.util.function.Supplier<String> token, String name) {
    driver.get("http://127.0.0.1:" + port + "/console/index.html?test");
    wait.until(d -> byId("signin-view").isDisplayed() || byId("console-view").isDisplayed());
    if (byId("console-view").isDisplayed()) {
      wait.until(ExpectedConditions.elementToBeClickable(By.id("signout"))).click();
    }
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token.get());
    byId("signin").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("agent-name"), name));
    wait.until(d -> Boolean.TRUE.equals(js("return window.__consoleTest.connected()"
        + " && document.getElementById('queue-status').textContent === '' && document.getElementById('banner').hidden")));
    // every text the banner shows from now on, as the agent would have read it
    js("window.__banners = []; var b = document.getElementById('banner');"
        + "new MutationObserver(function () { if (!b.hidden) window.__banners.push(b.textContent); })"
        + ".observe(b, { attributes: true, childList: true, characterData: true, subtree: true });");
  }

  @SuppressWarnings("unchecked")
  private static List<String> bannersSeen() {
    return (List<String>) js("return window.__banners");
  }

  /** The queue shows every open inquiry of the database exactly once, and nothing else. */
  private static void assertQueueIsTheDatabase(TestGateway gw) {
    List<String> shown = shownCodes();
    List<String> open = new ArrayList<>();
    gw.sql().query("select tracking_code from inquiry where status <> 'closed'").execute().await()
        .forEach(r -> open.add(r.getString(0)));
    assertThat(shown).doesNotHaveDuplicates();
    assertThat(shown).containsExactlyInAnyOrderElementsOf(open);
    assertThat(byId("queue-count").getText()).isEqualTo("(" + open.size() + ")");
  }

  /** Waits until the banner is gone and every one of {@code codes} is in the queue once (drawing more rows as needed). */
  private static void waitForAll(List<String> codes) {
    try {
      new WebDriverWait(driver, RECONNECT).until(d -> {
        if (byId("queue-more").isDisplayed()) {
          byId("queue-more").click();
        }
        List<String> shown = shownCodes();
        return byId("banner").getAttribute("hidden") != null
            && codes.stream().allMatch(c -> shown.indexOf(c) >= 0 && shown.indexOf(c) == shown.lastIndexOf(c));
      });
    } catch (org.openqa.selenium.TimeoutException e) {
      List<String> shown = shownCodes();
      throw new AssertionError("banner " + (byId("banner").isDisplayed() ? "shown: " + byId("banner").getText() : "hidden")
          + "; banners seen " + bannersSeen() + "; missing " + codes.stream().filter(c -> !shown.contains(c)).toList()
          + " of " + codes.size() + "; rows " + shown.size() + "; connected " + js("return window.__consoleTest.connected()")
          + ", last seq " + js("return window.__consoleTest.lastSeq()"), e);
    }
  }

  /** The tracking codes of the rows in the queue, top to bottom. */
  @SuppressWarnings("unchecked")
  private static List<String> shownCodes() {
    return (List<String>) js("return Array.from(document.querySelectorAll('#queue li')).map(function (li) { return li.getAttribute('data-code'); })");
  }

  @Test
  @Order(1)
  void aRestartSaysSoThenTheConsoleCatchesUpWithWhatWasPostedMeanwhileExactlyOnce() throws Exception {
    b.post("Xin hỏi lịch tiêm nhắc lại cho người trên 60 tuổi"); // something in the queue before
    signIn(a.port(), () -> a.token("agent-r", "operator", null), "agent-r");

    a.close(); // SIGTERM's path: the console gets the shutdown frame and close 1012; B takes the posts below
    List<String> posted = new ArrayList<>();
    WebElement banner = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("banner")));
    assertThat(banner.getText()).startsWith(RESTARTING);
    for (int i = 0; i < 5; i++) {
      posted.add(b.post("Phản ánh số " + i + " trong lúc tổng đài khởi động lại: đèn tín hiệu giao thông hỏng ở ngã tư"));
    }
    Thread.sleep(1500); // the console keeps trying; nothing can reach it
    assertThat(byId("banner").getText()).startsWith(RESTARTING);
    posted.forEach(c -> assertThat(driver.findElements(By.cssSelector(row(c)))).isEmpty());
    ConsoleBrowser.shot(driver, "console-restarting");

    a = startA(TestGateway.SECRET);
    waitForAll(posted);
    assertThat(bannersSeen()).allMatch(t -> t.startsWith(RESTARTING));
    assertQueueIsTheDatabase(a);
    // and it is live again
    String after = a.post("Xin hỏi giờ mở cửa bộ phận một cửa sau khi khởi động lại");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(after))));
    assertThat(driver.findElements(By.cssSelector(row(after)))).hasSize(1);
    ConsoleBrowser.shot(driver, "console-restarted");
  }

  @Test
  @Order(2)
  void anExpiredTokenSendsTheAgentBackToSignInWithoutRetrying() throws Exception {
    var keys = AuthKeys.resolve(a.config.auth(), a.config.dataDir(), a.config.db().embedded());
    long[] expires = new long[1];
    signIn(a.port(), () -> {
      expires[0] = System.currentTimeMillis() + 4_000;
      return new AgentAuth(a.vertx, keys).mint(new Agent("agent-x", "agent-x", Set.of("operator"), null), Duration.ofSeconds(4));
    }, "agent-x");
    Thread.sleep(Math.max(0, expires[0] + 1_500 - System.currentTimeMillis())); // expired; the socket stays up until something closes it
    restartA(TestGateway.SECRET);
    assertSignedOut("console-token-expired");
  }

  @Test
  @Order(3)
  void aRevokedTokenIsRefusedByTheServerAndTheAgentIsSentBackToSignIn() throws Exception {
    signIn(a.port(), () -> a.token("agent-v", "operator", null), "agent-v");
    // new signing secret: every token issued before is refused (401) at the upgrade and on REST
    restartA("rotated-secret-rotated-secret-rotated-0123456789");
    assertSignedOut("console-token-revoked");
  }

  @Test
  @Order(4)
  void aTokenWithoutAConsoleRoleIsToldSo() throws Exception {
    driver.get("http://127.0.0.1:" + a.port() + "/console/index.html?test");
    var keys = AuthKeys.resolve(a.config.auth(), a.config.dataDir(), a.config.db().embedded());
    // an officer must belong to a department: this token gets 403
    String noAccess = new AgentAuth(a.vertx, keys).mint(new Agent("officer-0", "officer-0", Set.of("officer"), null),
        Duration.ofHours(1));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(noAccess);
    byId("signin").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "không có quyền"));
    assertThat(byId("console-view").isDisplayed()).isFalse();
    assertThat(js("return sessionStorage.length + localStorage.length")).isEqualTo(0L);
  }

  @Test
  @Order(5)
  void aConsoleToldItLaggedResumesFromWhatItAppliedAndShowsEveryInquiryOnce() throws Exception {
    try (LagRelay relay = LagRelay.start(b.vertx, b.port())) {
      signIn(relay.port(), () -> b.token("agent-l", "operator", null), "agent-l");
      String first = b.post("Xin hỏi thủ tục cấp lại thẻ bảo hiểm y tế bị mất");
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(first))));

      relay.hold(); // B's events stop reaching the console, as when its write queue overflows
      List<String> posted = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        posted.add(b.post("Phản ánh " + i + " khi bàn điều hành bị chậm: rác thải tồn đọng ở chợ phường"));
      }
      Eventually.until(Duration.ofSeconds(10), "B pushed the 6 events", () -> relay.heldBack() >= 6);
      posted.forEach(c -> assertThat(driver.findElements(By.cssSelector(row(c)))).isEmpty());
      assertThat(byId("banner").isDisplayed()).isFalse();

      relay.lag(); // 'lagged' with a seq past everything held back, then close 4008
      waitForAll(posted);
      assertThat(bannersSeen()).as("the agent was told the connection dropped").contains(LOST);
      assertQueueIsTheDatabase(b);
      String after = b.post("Xin hỏi lịch thu gom rác sau khi kết nối lại");
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(row(after))));
      assertThat(driver.findElements(By.cssSelector(row(after)))).hasSize(1);
      ConsoleBrowser.shot(driver, "console-lagged-caught-up");
    }
  }

  /** The sign-in form with the expiry message, nothing secret kept, and it stays so (no retry loop). */
  private static void assertSignedOut(String shot) throws Exception {
    new WebDriverWait(driver, RECONNECT).until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-view")));
    assertThat(byId("signin-error").getText()).isEqualTo(EXPIRED);
    assertThat(byId("console-view").isDisplayed()).isFalse();
    assertThat(byId("banner").isDisplayed()).isFalse();
    assertThat(byId("token").getAttribute("value")).isEmpty();
    assertThat(js("return sessionStorage.length + localStorage.length")).isEqualTo(0L);
    int before = bannersSeen().size();
    Thread.sleep(3_000);
    assertThat(byId("signin-view").isDisplayed()).isTrue();
    assertThat(byId("console-view").isDisplayed()).isFalse();
    assertThat(byId("banner").isDisplayed()).isFalse();
    assertThat(byId("signin-error").getText()).isEqualTo(EXPIRED);
    assertThat(bannersSeen()).as("no reconnect attempt after the sign-out").hasSize(before);
    ConsoleBrowser.shot(driver, shot);
  }
}
