package org.hotline1022.gateway.agent;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through Debian's chromedriver for the console's browser tests; nothing
 * is downloaded. Missing binaries fail the test when {@code CI=true} and skip it loudly otherwise.
 */
final class ConsoleBrowser {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path SHOTS = Path.of("target", "screenshots");

  private ConsoleBrowser() {}

  /** Fails (CI) or skips (elsewhere) unless chromium and chromedriver are installed. */
  static void require(String test) {
    List<String> missing = new ArrayList<>();
    for (String exe : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!new File(exe).canExecute()) {
        missing.add(exe);
      }
    }
    if (!missing.isEmpty()) {
      String reason = test + " NEEDS " + missing + " (apt-get install -y chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        fail(reason + "; CI=true, so this is a failure, not a skip");
      }
      System.err.println("\n*** SKIPPING " + reason + " ***\n");
      Assumptions.assumeTrue(false, "SKIPPED: " + reason);
    }
  }

  /** A headless Chromium with its profile under {@code tmp}. */
  static WebDriver start(Path tmp) throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1440,900", "--lang=vi-VN", "--user-data-dir=" + Files.createDirectories(tmp.resolve("chrome")));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort().build();
    Files.createDirectories(SHOTS);
    return new ChromeDriver(service, options);
  }

  /** Saves what the agent sees as {@code target/screenshots/<name>.png}. */
  static void shot(WebDriver driver, String name) throws IOException {
    File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
