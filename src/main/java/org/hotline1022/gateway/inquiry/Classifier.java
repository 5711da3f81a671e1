package org.hotline1022.gateway.inquiry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hotline1022.gateway.config.ConfigFiles;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Keyword classifier: topic by weighted phrases, priority by urgent cues, both from
 * {@code conf/classifier.yaml} (format in docs/classifier.md). Immutable after construction and
 * safe to share between event loops; {@link #classify} allocates only the folded text and tokens.
 */
public final class Classifier {
  private static final Topic[] TOPICS = Topic.values();

  private final PhraseIndex<double[]> topicPhrases;
  private final PhraseIndex<Double> urgentCues;
  private final Topic[] tieOrder;
  private final double minScore;
  private final double urgentThreshold;
  private final Topic urgentDefaultTopic;
  private final Set<String> negations;
  private final Set<String> negationFillers;
  private final String[][] historyPhrases;
  private final String[][] leadTags;
  private final Set<String> spo2Words;
  private final int spo2Below;
  private final double spo2Weight;

  private Classifier(Builder b) {
    this.topicPhrases = b.topicPhrases;
    this.urgentCues = b.urgentCues;
    this.tieOrder = b.tieOrder;
    this.minScore = b.minScore;
    this.urgentThreshold = b.urgentThreshold;
    this.urgentDefaultTopic = b.urgentDefaultTopic;
    this.negations = Set.copyOf(b.negations);
    this.negationFillers = Set.copyOf(b.negationFillers);
    this.historyPhrases = b.historyPhrases.stream().map(p -> p.split(" ")).toArray(String[][]::new);
    this.leadTags = b.leadTags.stream().map(p -> p.split(" ")).toArray(String[][]::new);
    this.spo2Words = Set.copyOf(b.spo2Words);
    this.spo2Below = b.spo2Below;
    this.spo2Weight = b.spo2Weight;
  }

  /** The classifier of {@code conf/classifier.yaml}. Blocking (reads a file): call at startup. */
  public static Classifier load() {
    return fromYaml(ConfigFiles.read("classifier.yaml"));
  }

  /** Parses and validates the YAML; throws IllegalArgumentException naming the offending key. */
  public static Classifier fromYaml(String yamlText) {
    Object root = parse(yamlText);
    if (!(root instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("classifier.yaml: expected a mapping at the top level");
    }
    return new Builder(map).build();
  }

  private static Object parse(String yamlText) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false); // a phrase listed twice is an editing slip: say so
    try {
      return new Yaml(new SafeConstructor(options)).load(yamlText);
    } catch (YAMLException e) {
      throw new IllegalArgumentException("classifier.yaml: " + e.getMessage(), e);
    }
  }

  public Classification classify(String text) {
    String folded = TextNormalizer.foldClauses(text);
    if (folded.isEmpty()) return new Classification(Topic.OTHER, Priority.NORMAL);
    String[] tokens = folded.split(" ");
    Topic topic = topic(tokens);
    if (!urgent(tokens)) return new Classification(topic, Priority.NORMAL);
    // "bố tôi ngất" names no topic, but a life at stake must reach a department that acts on it
    return new Classification(topic == Topic.OTHER ? urgentDefaultTopic : topic, Priority.URGENT);
  }

  /**
   * Why {@link #classify} decided as it did: each phrase found, as {@code "medical: điều trị +2"},
   * {@code "urgent: kho tho +2"} or {@code "urgent: kho tho (negated)"}. For tuning the config.
   */
  public List<String> explain(String text) {
    String folded = TextNormalizer.foldClauses(text);
    List<String> why = new ArrayList<>();
    if (folded.isEmpty()) return why;
    String[] tokens = folded.split(" ");
    topicPhrases.scan(tokens, (start, end, w) -> {
      String phrase = String.join(" ", java.util.Arrays.copyOfRange(tokens, start, end));
      for (int t = 0; t < w.length; t++) {
        if (w[t] > 0) why.add(TOPICS[t].code() + ": " + phrase + " +" + w[t]);
      }
    });
    urgentCues.scan(tokens, (start, end, w) -> {
      if (w == 0) return;
      String phrase = String.join(" ", java.util.Arrays.copyOfRange(tokens, start, end));
      why.add("urgent: " + phrase + (negated(tokens, start) ? " (negated)" : " +" + w));
    });
    double spo2 = spo2(tokens);
    if (spo2 > 0) why.add("urgent: spo2 reading below " + spo2Below + " +" + spo2);
    if (leadTag(tokens)) why.add("urgent: opening tag " + tokens[0] + " (urgent)");
    return why;
  }

  private Topic topic(String[] tokens) {
    double[] scores = new double[TOPICS.length];
    topicPhrases.scan(tokens, (start, end, w) -> {
      for (int t = 0; t < w.length; t++) scores[t] += w[t];
    });
    Topic best = Topic.OTHER;
    double bestScore = 0;
    for (Topic t : tieOrder) { // strict '>' keeps the earlier topic on a tie
      if (scores[t.ordinal()] > bestScore) {
        best = t;
        bestScore = scores[t.ordinal()];
      }
    }
    return bestScore >= minScore ? best : Topic.OTHER;
  }

  private boolean urgent(String[] tokens) {
    if (leadTag(tokens)) return true;
    double[] score = {0};
    urgentCues.scan(tokens, (start, end, w) -> {
      if (w > 0 && !negated(tokens, start)) score[0] += w;
    });
    if (score[0] >= urgentThreshold) return true;
    return score[0] + spo2(tokens) >= urgentThreshold;
  }

  /**
   * True when a negation word precedes the cue with only filler words between ("ko bị khó thở"), or
   * a history word ("tiền sử", "từng bị") stands anywhere before it in the same clause ("tiền sử sốt
   * cao co giật lúc 2 tuổi"): a past condition, not one happening now.
   */
  private boolean negated(String[] tokens, int cueStart) {
    for (int i = cueStart - 1, fillers = 0; i >= 0 && fillers <= 2; i--, fillers++) {
      if (negations.contains(tokens[i])) return true;
      if (!negationFillers.contains(tokens[i])) break;
    }
    return historyInClause(tokens, cueStart);
  }

  private boolean historyInClause(String[] tokens, int cueStart) {
    if (historyPhrases.length == 0) return false;
    for (int end = cueStart; end > 0 && !TextNormalizer.CLAUSE_BREAK.equals(tokens[end - 1]); end--) {
      for (String[] p : historyPhrases) {
        if (endsWith(tokens, end, p)) return true;
      }
    }
    return false;
  }

  /** Whether tokens[end - p.length .. end) equals p. */
  private static boolean endsWith(String[] tokens, int end, String[] p) {
    int start = end - p.length;
    if (start < 0) return false;
    for (int k = 0; k < p.length; k++) {
      if (!tokens[start + k].equals(p[k])) return false;
    }
    return true;
  }

  /**
   * The text opens with a triage tag that is its own clause: "Khẩn: Anh X gọi báo…", "GẤP!!! mẹ
   * mình…", "Urgent: …". Operators and citizens mark urgency this way; the tag must be followed by
   * punctuation, so "Khan hiếm khẩu trang" or "Gấp quần áo" are not tags.
   */
  private boolean leadTag(String[] tokens) {
    for (String[] tag : leadTags) {
      if (tokens.length > tag.length && endsWith(tokens, tag.length, tag)
          && TextNormalizer.CLAUSE_BREAK.equals(tokens[tag.length])) {
        return true;
      }
    }
    return false;
  }

  /** An oximeter reading below the configured percentage, e.g. "SpO2 chỉ còn 89%". */
  private double spo2(String[] tokens) {
    for (int i = 0; i < tokens.length; i++) {
      if (!spo2Words.contains(tokens[i])) continue;
      for (int j = i + 1; j < tokens.length && j <= i + 4; j++) {
        int v = smallNumber(tokens[j]);
        if (v >= 50 && v <= 100) {
          if (v < spo2Below) return spo2Weight;
          break;
        }
      }
    }
    return 0;
  }

  private static int smallNumber(String token) {
    if (token.isEmpty() || token.length() > 3) return -1;
    int v = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Reads the YAML mapping into the indexes; every error names its key. */
  private static final class Builder {
    final PhraseIndex<double[]> topicPhrases = new PhraseIndex<>();
    final PhraseIndex<Double> urgentCues = new PhraseIndex<>();
    Topic[] tieOrder;
    double minScore = 1;
    double urgentThreshold = 2;
    Topic urgentDefaultTopic = Topic.MEDICAL;
    final Set<String> negations = new HashSet<>();
    final Set<String> negationFillers = new HashSet<>();
    final Set<String> historyPhrases = new HashSet<>();
    final Set<String> leadTags = new HashSet<>();
    final Set<String> spo2Words = new HashSet<>();
    int spo2Below = 95;
    double spo2Weight = 2;
    private final Map<?, ?> root;

    Builder(Map<?, ?> root) {
      this.root = root;
    }

    Classifier build() {
      for (Object key : root.keySet()) {
        if (!List.of("min_score", "tie_break", "blockers", "topics", "urgent").contains(String.valueOf(key))) {
          throw new IllegalArgumentException("classifier.yaml: unknown key '" + key + "'");
        }
      }
      minScore = number(root.get("min_score"), "min_score", 1);
      tieOrder = tieOrder(root.get("tie_break"));
      Map<?, ?> topics = map(root.get("topics"), "topics");
      if (topics.isEmpty()) throw new IllegalArgumentException("classifier.yaml: 'topics' is empty");
      for (Map.Entry<?, ?> e : topics.entrySet()) {
        Topic topic = topic(e.getKey(), "topics");
        for (Map.Entry<?, ?> p : map(e.getValue(), "topics." + e.getKey()).entrySet()) {
          String where = "topics." + e.getKey() + "." + p.getKey();
          String phrase = phrase(p.getKey(), where);
          double w = number(p.getValue(), where, Double.NaN);
          double[] weights = topicPhrases.get(phrase);
          if (weights == null) {
            weights = new double[TOPICS.length];
            topicPhrases.put(phrase, weights);
          }
          weights[topic.ordinal()] = Math.max(weights[topic.ordinal()], w);
        }
      }
      Set<String> blockers = new HashSet<>();
      words(root.get("blockers"), "blockers", blockers, false);
      for (String b : blockers) {
        if (topicPhrases.get(b) == null) topicPhrases.put(b, new double[TOPICS.length]);
      }
      urgent(map(root.get("urgent"), "urgent"));
      return new Classifier(this);
    }

    private void urgent(Map<?, ?> u) {
      urgentThreshold = number(u.get("threshold"), "urgent.threshold", 2);
      if (u.get("default_topic") != null) urgentDefaultTopic = topic(u.get("default_topic"), "urgent.default_topic");
      for (Map.Entry<?, ?> p : map(u.get("cues"), "urgent.cues").entrySet()) {
        String where = "urgent.cues." + p.getKey();
        urgentCues.put(phrase(p.getKey(), where), number(p.getValue(), where, Double.NaN));
      }
      words(u.get("negations"), "urgent.negations", negations);
      words(u.get("negation_fillers"), "urgent.negation_fillers", negationFillers);
      words(u.get("history"), "urgent.history", historyPhrases, false);
      words(u.get("lead_tags"), "urgent.lead_tags", leadTags, false);
      Object spo2 = u.get("spo2");
      if (spo2 != null) {
        Map<?, ?> s = map(spo2, "urgent.spo2");
        words(s.get("words"), "urgent.spo2.words", spo2Words);
        spo2Below = (int) number(s.get("below"), "urgent.spo2.below", 95);
        spo2Weight = number(s.get("weight"), "urgent.spo2.weight", urgentThreshold);
      }
    }

    private static Topic[] tieOrder(Object value) {
      List<Topic> order = new ArrayList<>();
      if (value != null) {
        if (!(value instanceof List<?> list)) throw new IllegalArgumentException("classifier.yaml: 'tie_break' must be a list");
        for (Object o : list) order.add(topic(o, "tie_break"));
      }
      for (Topic t : TOPICS) if (!order.contains(t)) order.add(t); // unlisted topics come last, enum order
      return order.toArray(Topic[]::new);
    }

    private static Topic topic(Object key, String where) {
      try {
        return Topic.of(String.valueOf(key));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("classifier.yaml: unknown topic '" + key + "' in " + where);
      }
    }

    private static void words(Object value, String where, Set<String> into) {
      words(value, where, into, true);
    }

    /** Folded entries of a YAML list; {@code split}: single words wanted, so "thấy bị" adds two. */
    private static void words(Object value, String where, Set<String> into, boolean split) {
      if (value == null) return;
      if (!(value instanceof List<?> list)) throw new IllegalArgumentException("classifier.yaml: '" + where + "' must be a list");
      for (Object o : list) {
        String p = phrase(o, where);
        if (split) into.addAll(List.of(p.split(" ")));
        else into.add(p);
      }
    }

    private static String phrase(Object key, String where) {
      if (!(key instanceof String || key instanceof Number)) {
        // YAML 1.1 reads bare no/yes/on/off as booleans
        throw new IllegalArgumentException("classifier.yaml: '" + where + "' is not a phrase (quote it: \"" + key + "\")");
      }
      String folded = TextNormalizer.fold(String.valueOf(key));
      if (folded.isEmpty()) throw new IllegalArgumentException("classifier.yaml: empty phrase at '" + where + "'");
      return folded;
    }

    private static double number(Object value, String where, double dflt) {
      if (value == null && !Double.isNaN(dflt)) return dflt;
      if (!(value instanceof Number n) || n.doubleValue() < 0) {
        throw new IllegalArgumentException("classifier.yaml: '" + where + "' must be a number ≥ 0, got " + value);
      }
      return n.doubleValue();
    }

    private static Map<?, ?> map(Object value, String where) {
      if (value == null) return new LinkedHashMap<>();
      if (!(value instanceof Map<?, ?> m)) throw new IllegalArgumentException("classifier.yaml: '" + where + "' must be a mapping");
      return m;
    }
  }
}
