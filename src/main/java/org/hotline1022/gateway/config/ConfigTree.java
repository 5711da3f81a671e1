package org.hotline1022.gateway.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The YAML tree of {@code gateway.yaml} with {@code HOTLINE_*} environment overrides applied. An
 * environment name is matched against the keys that exist in the file (camelCase keys match their
 * words joined: {@code HOTLINE_WRITER_QUEUE_CAPACITY} → {@code writer.queueCapacity}), so every key
 * is overridable and a misspelt variable is reported instead of silently ignored.
 */
final class ConfigTree {
  private final Map<String, Object> root;
  private final List<String> unknownEnv = new ArrayList<>();

  private ConfigTree(Map<String, Object> root) {
    this.root = root;
  }

  @SuppressWarnings("unchecked")
  static ConfigTree parse(String yaml, Map<String, String> env) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<String, Object> root = doc instanceof Map ? new LinkedHashMap<>((Map<String, Object>) doc) : new LinkedHashMap<>();
    ConfigTree tree = new ConfigTree(deepCopy(root));
    env.forEach((name, value) -> {
      if (name.startsWith("HOTLINE_") && !SKIP.contains(name) && !name.equals(HepConfig.PORT_ENV)
          && SKIP_PREFIXES.stream().noneMatch(name::startsWith)) {
        List<String> words = Arrays.asList(name.substring(8).toLowerCase(Locale.ROOT).split("_"));
        if (!tree.set(tree.root, words, value)) {
          tree.unknownEnv.add(name);
        }
      }
    });
    return tree;
  }

  /** Variables read elsewhere (secrets, paths), not keys of gateway.yaml. */
  private static final List<String> SKIP = List.of("HOTLINE_CONF_DIR", "HOTLINE_LOG_LEVEL", "HOTLINE_CONFIG", "HOTLINE_JWT_SECRET",
      "HOTLINE_FACEBOOK_APP_SECRET", "HOTLINE_FACEBOOK_VERIFY_TOKEN", "HOTLINE_FACEBOOK_PAGE_TOKEN", "HOTLINE_ZALO_APP_ID",
      "HOTLINE_ZALO_APP_SECRET", "HOTLINE_ZALO_OA_SECRET", "HOTLINE_ZALO_REFRESH_TOKEN", "HOTLINE_ZALO_ACCESS_TOKEN",
      "HOTLINE_IMAP_URL", "HOTLINE_SMTP_URL",
      "HOTLINE_SIP_PORT");

  /** Per-mailbox variables of the e-mail channel (MailConfig): URLs with passwords and addresses. */
  private static final List<String> SKIP_PREFIXES = List.of("HOTLINE_IMAP_URL_", "HOTLINE_SMTP_URL_", "HOTLINE_MAIL_ADDRESS_");

  List<String> unknownEnv() {
    return unknownEnv;
  }

  @SuppressWarnings("unchecked")
  private boolean set(Map<String, Object> node, List<String> words, String value) {
    for (String key : node.keySet()) {
      String flat = key.toLowerCase(Locale.ROOT).replace("_", "");
      for (int n = 1; n <= words.size(); n++) {
        if (!flat.equals(String.join("", words.subList(0, n)))) {
          continue;
        }
        Object child = node.get(key);
        if (n == words.size() && !(child instanceof Map)) {
          node.put(key, value);
          return true;
        }
        if (n < words.size() && child instanceof Map && set((Map<String, Object>) child, words.subList(n, words.size()), value)) {
          return true;
        }
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map ? deepCopy((Map<String, Object>) v) : v));
    return out;
  }

  Section root() {
    return new Section("", root);
  }

  Section section(String path) {
    return root().section(path);
  }

  /** A typed view of one map in the tree; every getter names the full key when a value is bad. */
  static final class Section {
    private final String path;
    private final Map<String, Object> map;

    Section(String path, Map<String, Object> map) {
      this.path = path;
      this.map = map;
    }

    @SuppressWarnings("unchecked")
    Section section(String dotted) {
      Map<String, Object> node = map;
      for (String part : dotted.split("\\.")) {
        Object child = node == null ? null : node.get(part);
        node = child instanceof Map ? (Map<String, Object>) child : null;
      }
      String full = path.isEmpty() ? dotted : path + "." + dotted;
      return new Section(full, node == null ? Map.of() : node);
    }

    Section child(String key) {
      Object child = map.get(key);
      @SuppressWarnings("unchecked")
      Map<String, Object> m = child instanceof Map ? (Map<String, Object>) child : Map.of();
      return new Section(path.isEmpty() ? key : path + "." + key, m);
    }

    private String name(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    Map<String, Object> raw() {
      return map;
    }

    String string(String key, String dflt) {
      Object v = map.get(key);
      return v == null ? dflt : String.valueOf(v).trim();
    }

    long number(String key, long dflt, long min, long max) {
      Object v = map.get(key);
      if (v == null || String.valueOf(v).isBlank()) {
        return dflt;
      }
      long n;
      try {
        n = v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("config " + name(key) + ": not a number: " + v);
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException("config " + name(key) + ": " + n + " is outside [" + min + ", " + max + "]");
      }
      return n;
    }

    int integer(String key, int dflt, int min, int max) {
      return (int) number(key, dflt, min, max);
    }

    boolean bool(String key, boolean dflt) {
      Object v = map.get(key);
      if (v == null) {
        return dflt;
      }
      String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return Boolean.parseBoolean(s);
      }
      throw new IllegalArgumentException("config " + name(key) + ": not true/false: " + v);
    }
  }
}
