package org.hotline1022.gateway.inquiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class RoutingTest {
  static Routing routing;

  @BeforeAll
  static void load() {
    routing = Routing.load();
  }

  @ParameterizedTest
  @EnumSource(Topic.class)
  void everyTopicRoutesToADefinedDepartment(Topic topic) {
    assertThat(routing.isDepartment(routing.department(topic, null))).isTrue();
    assertThat(routing.isDepartment(routing.department(topic, "Huyện Không Có"))).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Topic.class)
  void urgentIsSoonerThanNormalForEveryTopic(Topic topic) {
    Instant t = Instant.parse("2026-01-20T03:00:00Z");
    Duration urgent = Duration.between(t, routing.dueAt(topic, Priority.URGENT, t));
    Duration normal = Duration.between(t, routing.dueAt(topic, Priority.NORMAL, t));
    assertThat(urgent).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(30));
    assertThat(normal).isGreaterThan(urgent);
  }

  @ParameterizedTest
  @CsvSource({
      "suspected_infection, SYT", "medical, SYT", "epidemiology_quarantine, SYT", "social_welfare, SLDTBXH",
      "humanitarian, MTTQ", "security_order, CA", "regulations, VPUBND", "other, VPUBND",
  })
  void defaultDepartments(String topic, String code) {
    assertThat(routing.department(Topic.of(topic), null)).isEqualTo(code);
  }

  @Test
  void districtOverrideMatchesLooselyAndOnlyForItsTopic() {
    assertThat(routing.department(Topic.HUMANITARIAN, "Sầm Sơn")).isEqualTo("UBND-SAMSON");
    assertThat(routing.department(Topic.HUMANITARIAN, "TP. Sầm Sơn")).isEqualTo("UBND-SAMSON");
    assertThat(routing.department(Topic.HUMANITARIAN, "thanh pho sam son")).isEqualTo("UBND-SAMSON");
    assertThat(routing.department(Topic.MEDICAL, "Sầm Sơn")).isEqualTo("SYT");
  }

  @Test
  void departmentsHaveVietnameseNames() {
    assertThat(routing.departments()).containsEntry("SYT", "Sở Y tế").containsKey("CA");
    assertThatThrownBy(() -> routing.departments().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(routing.isDepartment("NOPE")).isFalse();
    assertThat(routing.isDepartment(null)).isFalse();
  }

  static final String MINIMAL = """
      departments: {A: Sở A, B: Sở B}
      topics: {other: A, medical: B}
      deadlines:
        default: {urgent: 30m, normal: 24h}
        medical: {urgent: 15m, normal: 4h}
      """;

  @Test
  void wallClockDeadlines() {
    Routing r = Routing.fromYaml(MINIMAL);
    Instant t = Instant.parse("2026-01-20T03:00:00Z");
    assertThat(r.dueAt(Topic.MEDICAL, Priority.URGENT, t)).isEqualTo(t.plus(Duration.ofMinutes(15)));
    assertThat(r.dueAt(Topic.MEDICAL, Priority.NORMAL, t)).isEqualTo(t.plus(Duration.ofHours(4)));
    assertThat(r.dueAt(Topic.TRAVELERS, Priority.NORMAL, t)).isEqualTo(t.plus(Duration.ofHours(24)));
    assertThat(r.department(Topic.TRAVELERS, null)).isEqualTo("A"); // unlisted → other's department
  }

  @Test
  void businessHoursStretchNormalButNotUrgentDeadlines() {
    Routing r = Routing.fromYaml(MINIMAL + """
        time_zone: Asia/Ho_Chi_Minh
        business_hours:
          enabled: true
          days: [MON, TUE, WED, THU, FRI]
          start: "08:00"
          end: "17:00"
          holidays: [2026-01-19]
        """);
    // Friday 16:00 local (09:00Z): 1h left on Friday, Monday 19th is a holiday → Tuesday 11:00 local
    Instant friday = Instant.parse("2026-01-16T09:00:00Z");
    assertThat(r.dueAt(Topic.MEDICAL, Priority.NORMAL, friday)).isEqualTo(Instant.parse("2026-01-20T04:00:00Z"));
    assertThat(r.dueAt(Topic.MEDICAL, Priority.URGENT, friday)).isEqualTo(friday.plus(Duration.ofMinutes(15)));
    // Before opening: counting starts at 08:00 local (01:00Z)
    Instant early = Instant.parse("2026-01-20T23:00:00Z"); // Wed 06:00 local
    assertThat(r.dueAt(Topic.MEDICAL, Priority.NORMAL, early)).isEqualTo(Instant.parse("2026-01-21T05:00:00Z"));
  }

  @Test
  void validationNamesTheKey() {
    assertBad(MINIMAL.replace("medical: B", "medcal: B"), "medcal");
    assertBad(MINIMAL.replace("medical: B", "medical: Z"), "topics.medical");
    assertBad(MINIMAL.replace("medical: {urgent: 15m", "medicl: {urgent: 15m"), "medicl");
    assertBad(MINIMAL.replace("15m", "soon"), "deadlines.medical.urgent");
    assertBad(MINIMAL.replace("other: A, ", ""), "topics.other");
    assertBad(MINIMAL + "district_overrides: {humanitarian: {Sầm Sơn: UBND-X}}", "UBND-X");
    assertBad(MINIMAL + "district_overrides: {aid: {Sầm Sơn: A}}", "aid");
    assertBad(MINIMAL + "time_zone: Mars/Olympus", "time_zone");
    assertBad(MINIMAL + "business_hours: {enabled: true, start: \"25:00\"}", "business_hours.start");
    assertBad(MINIMAL + "deadline: {}", "deadline");
  }

  private static void assertBad(String yaml, String key) {
    assertThatThrownBy(() -> Routing.fromYaml(yaml)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key);
  }
}
