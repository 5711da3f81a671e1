package org.hotline1022.gateway.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text exposition, read back: families with their type, and every sample's labels. */
record Scrape(Map<String, String> types, List<Sample> samples) {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)(?: \\d+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static Scrape parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        types.put(p[2], p[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("not a sample line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(2) != null) {
          Matcher l = LABEL.matcher(m.group(2));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3).replace("+Inf", "Infinity"))));
      }
    }
    return new Scrape(types, samples);
  }

  /**
   * The family a sample belongs to: its own name for gauges and counters written with {@code _total},
   * the histogram or summary name for {@code _bucket}, {@code _count}, {@code _sum}.
   */
  String family(String sampleName) {
    if (types.containsKey(sampleName)) {
      return sampleName;
    }
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_total", "_created"}) {
      if (sampleName.endsWith(suffix) && types.containsKey(sampleName.substring(0, sampleName.length() - suffix.length()))) {
        return sampleName.substring(0, sampleName.length() - suffix.length());
      }
    }
    return sampleName;
  }

  /** The catalogue name of a family: counters as {@code <name>_total} whichever way the TYPE line names them. */
  String documentedName(String family) {
    return "counter".equals(types.get(family)) && !family.endsWith("_total") ? family + "_total" : family;
  }

  double sum(String sampleName, Map<String, String> match) {
    return samples.stream().filter(s -> s.name().equals(sampleName))
        .filter(s -> match.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey()))))
        .mapToDouble(Sample::value).sum();
  }
}
