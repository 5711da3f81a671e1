package org.hotline1022.gateway.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's Metrics table, read back: one row per {@code hotline_*} family (name, type, tags with
 * their values, meaning), and the shared tag sets listed under it ({@code - `channel`: `web`, ...}).
 * A tag written without values in a row takes its values from the shared set of that name. A shared
 * set marked {@code (config)} ({@code - `mailbox` (config): `main`, ...}) is bounded by the
 * configuration rather than the code: its listed values are the built-in ones, and a scrape is checked
 * against the names the gateway under test was configured with.
 */
record Catalogue(Map<String, Row> rows, Map<String, Set<String>> sharedSets, Set<String> configSets) {

  /** One documented family; {@code coming} rows (meaning starts with "TODO") may be absent. */
  record Row(String name, String type, Map<String, Set<String>> tags, boolean coming) {}

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`(hotline_[a-z0-9_]+)`\\s*\\|\\s*([a-z]+)\\s*\\|(.*?)\\|\\s*(.*?)\\s*\\|$");
  private static final Pattern TAG = Pattern.compile("`([a-z_]+)`(?:\\s*\\(([^)]*)\\))?");
  private static final Pattern SHARED = Pattern.compile("^- `([a-z_]+)`( \\(config\\))?: (.*)$");
  private static final Pattern VALUE = Pattern.compile("`([^`]+)`");

  static Catalogue readme() throws IOException {
    return parse(Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8));
  }

  static Catalogue parse(List<String> lines) {
    Map<String, Row> rows = new LinkedHashMap<>();
    Map<String, Set<String>> shared = new LinkedHashMap<>();
    Set<String> config = new LinkedHashSet<>();
    boolean inSection = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## Metrics");
        continue;
      }
      if (!inSection) {
        continue;
      }
      Matcher r = ROW.matcher(line);
      if (r.matches()) {
        Map<String, Set<String>> tags = new LinkedHashMap<>();
        Matcher t = TAG.matcher(r.group(3));
        while (t.find()) {
          tags.put(t.group(1), t.group(2) == null ? null : values(t.group(2)));
        }
        rows.put(r.group(1), new Row(r.group(1), r.group(2), tags, r.group(4).startsWith("TODO")));
        continue;
      }
      Matcher s = SHARED.matcher(line);
      if (s.matches()) {
        shared.put(s.group(1), values(s.group(3)));
        if (s.group(2) != null) {
          config.add(s.group(1));
        }
      }
    }
    return new Catalogue(rows, shared, config);
  }

  private static Set<String> values(String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher v = VALUE.matcher(text);
    while (v.find()) {
      out.add(v.group(1));
    }
    return out;
  }

  /** The values documented for {@code tag} of {@code family}: its own list, else the shared set, else null. */
  Set<String> allowed(String family, String tag) {
    Row row = rows.get(family);
    if (row == null || !row.tags().containsKey(tag)) {
      return null;
    }
    Set<String> own = row.tags().get(tag);
    return own != null ? own : sharedSets.get(tag);
  }
}
