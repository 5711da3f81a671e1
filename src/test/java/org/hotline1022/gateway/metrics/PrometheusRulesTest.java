package org.hotline1022.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hotline1022.gateway.support.Promtool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules of {@code k8s/base/prometheus-rule.yaml}: {@code spec.groups} extracted to a plain
 * rules file pass {@code promtool check rules} and the {@code promtool test rules} cases of
 * {@code src/test/resources/prometheus/}; every alert has a severity, a summary, a description and
 * a runbook section, and uses only meters of the README's catalogue.
 */
class PrometheusRulesTest {
  private static final Path RULE = Path.of("k8s", "base", "prometheus-rule.yaml");
  private static final Path CASES = Path.of("src", "test", "resources", "prometheus");
  private static final List<String> REQUIRED = List.of("HotlineIntakeFailing", "HotlineIntakeThrottling", "HotlineWriterQueueNearFull",
      "HotlineDatabaseDown", "HotlineEventFeedLagging", "HotlineOutboxStuck", "HotlineDeadlinesOverdueRising", "HotlineChannelSilent",
      "HotlineInstanceDown");

  @TempDir
  static Path dir;
  static Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void extractGroups() throws IOException {
    Map<String, Object> rule = new Yaml().load(Files.readString(RULE, StandardCharsets.UTF_8));
    assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.get("kind")).isEqualTo("PrometheusRule");
    List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec")).get("groups");
    for (Map<String, Object> g : groups) {
      for (Map<String, Object> r : (List<Map<String, Object>>) g.get("rules")) {
        if (r.containsKey("alert")) {
          alerts.put((String) r.get("alert"), r);
        }
      }
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(dir.resolve("rules.yml"), new Yaml(options).dump(Map.of("groups", groups)), StandardCharsets.UTF_8);
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    Promtool.Result r = Promtool.run(dir, null, "check", "rules", "rules.yml");
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: " + alerts.size() + " rules found");
  }

  @Test
  void promtoolUnitTestsPass() throws Exception {
    List<String> files = new ArrayList<>();
    try (Stream<Path> cases = Files.list(CASES)) {
      for (Path p : cases.filter(p -> p.getFileName().toString().endsWith(".test.yml")).sorted().toList()) {
        Files.copy(p, dir.resolve(p.getFileName()));
        files.add(p.getFileName().toString());
      }
    }
    assertThat(files).contains("intake.test.yml", "backend.test.yml", "healthy.test.yml");
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    args.addAll(files);
    Promtool.Result r = Promtool.run(dir, null, args.toArray(String[]::new));
    assertThat(r.exit()).as(r.output()).isZero();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCasesFireIntakeFailingAndDatabaseDownAndNothingOnHealthySeries() throws IOException {
    Set<String> fired = new TreeSet<>();
    Set<String> silentWhenHealthy = new TreeSet<>();
    try (Stream<Path> cases = Files.list(CASES)) {
      for (Path p : cases.filter(p -> p.getFileName().toString().endsWith(".test.yml")).toList()) {
        Map<String, Object> file = new Yaml().load(Files.readString(p, StandardCharsets.UTF_8));
        for (Map<String, Object> test : (List<Map<String, Object>>) file.get("tests")) {
          for (Map<String, Object> check : (List<Map<String, Object>>) test.get("alert_rule_test")) {
            List<?> expected = (List<?>) check.get("exp_alerts");
            if (expected != null && !expected.isEmpty()) {
              fired.add((String) check.get("alertname"));
            } else if (p.getFileName().toString().equals("healthy.test.yml")) {
              silentWhenHealthy.add((String) check.get("alertname"));
            }
          }
        }
      }
    }
    assertThat(fired).containsAll(REQUIRED);
    assertThat(silentWhenHealthy).containsExactlyInAnyOrderElementsOf(alerts.keySet());
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasSeveritySummaryDescriptionAndARunbookSection() throws IOException {
    assertThat(alerts.keySet()).containsAll(REQUIRED);
    String runbook = Files.readString(Path.of("docs", "runbook.md"), StandardCharsets.UTF_8);
    Set<String> sections = new TreeSet<>();
    Matcher h = Pattern.compile("(?m)^## (Hotline\\w+)$").matcher(runbook);
    while (h.find()) {
      sections.add(h.group(1));
    }
    assertThat(sections).as("runbook sections").containsExactlyInAnyOrderElementsOf(alerts.keySet());
    for (var e : alerts.entrySet()) {
      Map<String, Object> labels = (Map<String, Object>) e.getValue().get("labels");
      Map<String, Object> annotations = (Map<String, Object>) e.getValue().get("annotations");
      assertThat(labels.get("severity")).as(e.getKey()).isIn("warning", "critical");
      assertThat((String) annotations.get("summary")).as(e.getKey()).isNotBlank();
      assertThat((String) annotations.get("description")).as(e.getKey()).isNotBlank();
      assertThat(annotations.get("runbook_url")).as(e.getKey()).isEqualTo("docs/runbook.md#" + e.getKey().toLowerCase(Locale.ROOT));
      String section = runbook.substring(runbook.indexOf("## " + e.getKey() + "\n"));
      int next = section.indexOf("\n## ", 3);
      section = next < 0 ? section : section.substring(0, next);
      assertThat(section).as("runbook section of " + e.getKey()).contains("**Means**", "**First checks**", "**Do**");
    }
  }

  @Test
  void everyMeterTheRulesUseIsInTheCatalogue() throws IOException {
    Set<String> documented = Catalogue.readme().rows().keySet();
    Matcher m = Pattern.compile("hotline_[a-z0-9_]+").matcher(Files.readString(RULE, StandardCharsets.UTF_8));
    Set<String> used = new TreeSet<>();
    while (m.find()) {
      used.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
    }
    assertThat(used).isNotEmpty();
    assertThat(documented).containsAll(used);
  }

  @Test
  void theBaseKustomizationDeploysTheRule() throws IOException {
    assertThat(Files.readAllLines(Path.of("k8s", "base", "kustomization.yaml")))
        .anyMatch(l -> l.strip().matches("- prometheus-rule\\.yaml(\\s+#.*)?"));
  }
}
