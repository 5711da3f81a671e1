package org.hotline1022.gateway.inquiry;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hotline1022.gateway.config.ConfigFiles;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Topic → responsible department and answer-by time, from {@code conf/routing.yaml} (format in
 * docs/classifier.md). Immutable; everything is validated at load so a typo fails at startup,
 * not on the first inquiry of that topic.
 */
public final class Routing {
  /** Answer-by durations of one topic. */
  public record Deadline(Duration urgent, Duration normal) {
    Duration of(Priority p) {
      return p == Priority.URGENT ? urgent : normal;
    }
  }

  /** Working time for normal deadlines; {@code enabled=false} means the wall clock. */
  public record BusinessHours(boolean enabled, Set<DayOfWeek> days, LocalTime start, LocalTime end, Set<LocalDate> holidays) {}

  private static final String FILE = "routing.yaml";

  private final ZoneId zone;
  private final Map<String, String> departments;
  private final Map<Topic, String> byTopic;
  private final Map<Topic, Map<String, String>> byDistrict;
  private final Map<Topic, Deadline> deadlines;
  private final BusinessHours hours;

  private Routing(ZoneId zone, Map<String, String> departments, Map<Topic, String> byTopic,
      Map<Topic, Map<String, String>> byDistrict, Map<Topic, Deadline> deadlines, BusinessHours hours) {
    this.zone = zone;
    this.departments = Collections.unmodifiableMap(new LinkedHashMap<>(departments));
    this.byTopic = Collections.unmodifiableMap(new EnumMap<>(byTopic));
    Map<Topic, Map<String, String>> d = new EnumMap<>(Topic.class);
    byDistrict.forEach((t, m) -> d.put(t, Map.copyOf(m)));
    this.byDistrict = Collections.unmodifiableMap(d);
    this.deadlines = Collections.unmodifiableMap(new EnumMap<>(deadlines));
    this.hours = hours;
  }

  /** The routing of {@code conf/routing.yaml}. Blocking (reads a file): call at startup. */
  public static Routing load() {
    return fromYaml(ConfigFiles.read(FILE));
  }

  /** Parses and validates; throws IllegalArgumentException naming the offending key. */
  public static Routing fromYaml(String yamlText) {
    Object rootObj;
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try {
      rootObj = new Yaml(new SafeConstructor(options)).load(yamlText);
    } catch (YAMLException e) {
      throw bad(e.getMessage());
    }
    Map<Object, Object> root = map(rootObj, "(top level)");
    for (Object k : root.keySet()) {
      if (!List.of("time_zone", "departments", "topics", "district_overrides", "deadlines", "business_hours").contains(String.valueOf(k))) {
        throw bad("unknown key '" + k + "'");
      }
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(String.valueOf(root.getOrDefault("time_zone", "Asia/Ho_Chi_Minh")));
    } catch (RuntimeException e) {
      throw bad("time_zone: unknown zone '" + root.get("time_zone") + "'");
    }

    Map<String, String> departments = new LinkedHashMap<>();
    map(root.get("departments"), "departments").forEach((code, name) -> {
      if (name == null || String.valueOf(name).isBlank()) throw bad("departments." + code + ": name missing");
      departments.put(String.valueOf(code), String.valueOf(name));
    });
    if (departments.isEmpty()) throw bad("departments: none defined");

    Map<Topic, String> byTopic = new EnumMap<>(Topic.class);
    map(root.get("topics"), "topics").forEach((t, code) -> byTopic.put(topic(t, "topics"), department(code, "topics." + t, departments)));
    String fallback = byTopic.get(Topic.OTHER);
    if (fallback == null) throw bad("topics.other: required (the department of unlisted topics)");
    for (Topic t : Topic.values()) byTopic.putIfAbsent(t, fallback);

    Map<Topic, Map<String, String>> byDistrict = new EnumMap<>(Topic.class);
    map(root.get("district_overrides"), "district_overrides").forEach((t, districts) -> {
      Map<String, String> m = new HashMap<>();
      map(districts, "district_overrides." + t).forEach((district, code) -> {
        String where = "district_overrides." + t + "." + district;
        String key = districtKey(String.valueOf(district));
        if (key.isEmpty()) throw bad(where + ": empty district name");
        m.put(key, department(code, where, departments));
      });
      byDistrict.put(topic(t, "district_overrides"), m);
    });

    Map<Topic, Deadline> deadlines = new EnumMap<>(Topic.class);
    Map<Object, Object> dl = map(root.get("deadlines"), "deadlines");
    Object dflt = dl.get("default");
    if (dflt == null) throw bad("deadlines.default: required");
    Deadline fallbackDeadline = deadline(dflt, "deadlines.default");
    dl.forEach((t, v) -> {
      if (!"default".equals(t)) deadlines.put(topic(t, "deadlines"), deadline(v, "deadlines." + t));
    });
    for (Topic t : Topic.values()) deadlines.putIfAbsent(t, fallbackDeadline);

    return new Routing(zone, departments, byTopic, byDistrict, deadlines, businessHours(root.get("business_hours")));
  }

  /** The responsible department's code; {@code district} may be null or unknown (then the topic default). */
  public String department(Topic topic, String district) {
    if (district != null) {
      Map<String, String> m = byDistrict.get(topic);
      if (m != null) {
        String code = m.get(districtKey(district));
        if (code != null) return code;
      }
    }
    return byTopic.get(topic);
  }

  /** When the answer is due: urgent on the wall clock; normal in working time if business hours are on. */
  public Instant dueAt(Topic topic, Priority priority, Instant receivedAt) {
    Duration d = deadlines.get(topic).of(priority);
    if (priority == Priority.URGENT || !hours.enabled()) return receivedAt.plus(d);
    return addWorkingTime(receivedAt, d);
  }

  public boolean isDepartment(String code) {
    return code != null && departments.containsKey(code);
  }

  /** Code → name, in the order of the config file. */
  public Map<String, String> departments() {
    return departments;
  }

  public ZoneId zone() {
    return zone;
  }

  public Deadline deadline(Topic topic) {
    return deadlines.get(topic);
  }

  private Instant addWorkingTime(Instant from, Duration amount) {
    ZonedDateTime t = from.atZone(zone);
    Duration left = amount;
    // bounded: validation guarantees at least one working day a week, so a year of days is plenty
    for (int day = 0; day < 800; day++) {
      LocalDate date = t.toLocalDate();
      if (hours.days().contains(date.getDayOfWeek()) && !hours.holidays().contains(date)) {
        ZonedDateTime open = date.atTime(hours.start()).atZone(zone);
        ZonedDateTime close = date.atTime(hours.end()).atZone(zone);
        ZonedDateTime start = t.isAfter(open) ? t : open;
        if (start.isBefore(close)) {
          Duration avail = Duration.between(start, close);
          if (left.compareTo(avail) <= 0) return start.plus(left).toInstant();
          left = left.minus(avail);
        }
      }
      t = date.plusDays(1).atStartOfDay(zone);
    }
    return from.plus(amount); // unreachable with a sane config; never block an inquiry on it
  }

  /** "TP. Sầm Sơn", "thành phố sầm sơn", "Sam Son" → "sam son". */
  static String districtKey(String district) {
    String k = TextNormalizer.fold(district);
    for (String prefix : new String[] {"thanh pho ", "thi xa ", "huyen ", "quan ", "tx ", "tp "}) {
      if (k.startsWith(prefix)) return k.substring(prefix.length());
    }
    return k;
  }

  private static BusinessHours businessHours(Object value) {
    Map<Object, Object> m = map(value, "business_hours");
    boolean enabled = Boolean.TRUE.equals(m.get("enabled"));
    Set<DayOfWeek> days = new java.util.HashSet<>();
    Object list = m.containsKey("days") ? m.get("days") : List.of("MON", "TUE", "WED", "THU", "FRI");
    if (!(list instanceof List<?> l)) throw bad("business_hours.days: must be a list");
    for (Object d : l) days.add(dayOfWeek(String.valueOf(d)));
    LocalTime start = time(m.getOrDefault("start", "07:30"), "business_hours.start");
    LocalTime end = time(m.getOrDefault("end", "17:00"), "business_hours.end");
    Set<LocalDate> holidays = new java.util.HashSet<>();
    Object hs = m.get("holidays");
    if (hs != null) {
      if (!(hs instanceof List<?> hl)) throw bad("business_hours.holidays: must be a list of dates");
      for (Object h : hl) {
        try {
          holidays.add(h instanceof java.util.Date date ? date.toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate() : LocalDate.parse(String.valueOf(h)));
        } catch (RuntimeException e) {
          throw bad("business_hours.holidays: not a date '" + h + "'");
        }
      }
    }
    if (enabled && (days.isEmpty() || !start.isBefore(end))) {
      throw bad("business_hours: needs at least one day and start before end");
    }
    return new BusinessHours(enabled, Set.copyOf(days), start, end, Set.copyOf(holidays));
  }

  private static DayOfWeek dayOfWeek(String s) {
    String u = s.trim().toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(u) || d.name().startsWith(u) && u.length() >= 3) return d;
    }
    throw bad("business_hours.days: unknown day '" + s + "'");
  }

  private static LocalTime time(Object v, String where) {
    try {
      return LocalTime.parse(String.valueOf(v).length() == 4 ? "0" + v : String.valueOf(v));
    } catch (RuntimeException e) {
      throw bad(where + ": not a time HH:mm '" + v + "' (quote it in YAML)");
    }
  }

  private static Deadline deadline(Object v, String where) {
    Map<Object, Object> m = map(v, where);
    for (Object k : m.keySet()) {
      if (!"urgent".equals(k) && !"normal".equals(k)) throw bad(where + "." + k + ": unknown priority");
    }
    if (!m.containsKey("urgent") || !m.containsKey("normal")) throw bad(where + ": needs both urgent and normal");
    return new Deadline(duration(m.get("urgent"), where + ".urgent"), duration(m.get("normal"), where + ".normal"));
  }

  /** "15m", "4h", "2d", "90s" or ISO-8601 "PT15M". */
  static Duration duration(Object v, String where) {
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) return positive(Duration.parse(s.toUpperCase(Locale.ROOT)), where);
      long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
      return positive(switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException();
      }, where);
    } catch (RuntimeException e) {
      throw bad(where + ": not a duration '" + v + "' (use 15m, 4h, 2d)");
    }
  }

  private static Duration positive(Duration d, String where) {
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException();
    return d;
  }

  private static Topic topic(Object key, String where) {
    try {
      return Topic.of(String.valueOf(key));
    } catch (IllegalArgumentException e) {
      throw bad(where + ": unknown topic '" + key + "'");
    }
  }

  private static String department(Object code, String where, Map<String, String> departments) {
    String c = String.valueOf(code);
    if (!departments.containsKey(c)) throw bad(where + ": unknown department '" + c + "'");
    return c;
  }

  @SuppressWarnings("unchecked") // YAML mappings: keys and values are checked where read
  private static Map<Object, Object> map(Object value, String where) {
    if (value == null) return Map.of();
    if (!(value instanceof Map<?, ?> m)) throw bad(where + ": must be a mapping");
    return (Map<Object, Object>) m;
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(FILE + ": " + message);
  }
}
