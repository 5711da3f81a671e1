package org.hotline1022.gateway.app;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.hotline1022.gateway.inquiry.Classification;
import org.hotline1022.gateway.inquiry.Classifier;
import org.hotline1022.gateway.inquiry.Priority;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.inquiry.Topic;

/**
 * {@code classify}: JSON Lines in ({@code id}, {@code text}, optional {@code channel}), one JSON line
 * out per input ({@code id}, {@code topic}, {@code priority}, {@code department}). A bad line gives
 * {@code {"id":...,"error":...}} and the run goes on.
 *
 * <p>{@code classify --explain} adds the phrases found ({@code why}) to each line, for tuning the
 * config. {@code classify --eval FILE} instead measures the classifier on labelled JSON Lines
 * ({@code category}, {@code priority}) and prints accuracy and urgent recall/precision.
 */
public final class ClassifyCommand {
  private ClassifyCommand() {}

  /** Stand-alone entry for the evaluator and scripts; the jar's Main dispatches to {@link #run}. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
    int code = run(args, System.in, out, System.err);
    out.flush();
    System.exit(code);
  }

  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    Classifier classifier;
    Routing routing;
    try {
      classifier = Classifier.load();
      routing = Routing.load();
    } catch (RuntimeException e) {
      err.println("classify: bad configuration: " + e.getMessage());
      return 2;
    }
    if (args.length >= 2 && "--eval".equals(args[0])) {
      try (Reader r = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
        Evaluation ev = Evaluation.of(classifier, new BufferedReader(r));
        out.print(ev.report());
        return 0;
      } catch (IOException e) {
        err.println("classify: cannot read " + args[1] + ": " + e.getMessage());
        return 1;
      }
    }
    boolean explain = args.length == 1 && "--explain".equals(args[0]);
    if (args.length > 0 && !explain) {
      err.println("usage: classify [--explain | --eval FILE] < inquiries.jsonl");
      return 64;
    }
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) continue;
        JsonObject result = classifyLine(line, classifier, routing);
        if (explain && !result.containsKey("error")) {
          result.put("why", new io.vertx.core.json.JsonArray(classifier.explain(new JsonObject(line).getString("text"))));
        }
        out.println(result.encode());
      }
      out.flush();
      return 0;
    } catch (IOException e) {
      err.println("classify: cannot read stdin: " + e.getMessage());
      return 1;
    }
  }

  static JsonObject classifyLine(String line, Classifier classifier, Routing routing) {
    JsonObject in;
    try {
      in = new JsonObject(line);
    } catch (RuntimeException e) {
      return new JsonObject().putNull("id").put("error", "not a JSON object");
    }
    Object id = in.getValue("id");
    if (!(id == null || id instanceof String || id instanceof Number)) id = null;
    Object text = in.getValue("text");
    if (!(text instanceof String s)) {
      return new JsonObject().put("id", id).put("error", "missing or non-string 'text'");
    }
    Classification c = classifier.classify(s);
    return new JsonObject()
        .put("id", id)
        .put("topic", c.topic().code())
        .put("priority", c.priority().code())
        .put("department", routing.department(c.topic(), in.getValue("district") instanceof String d ? d : null));
  }

  /** Figures of one labelled run; {@link #report()} is the text printed by {@code --eval}. */
  public record Evaluation(int total, int correct, int urgentTotal, int urgentFound, int urgentPredicted,
      Map<Topic, int[]> perTopic, int skipped) {

    /** perTopic: topic → {correct, total}; copied so the record stays a value. */
    public Evaluation {
      Map<Topic, int[]> copy = new EnumMap<>(Topic.class);
      perTopic.forEach((t, v) -> copy.put(t, v.clone()));
      perTopic = java.util.Collections.unmodifiableMap(copy);
    }

    public double accuracy() {
      return total == 0 ? 0 : (double) correct / total;
    }

    public double urgentRecall() {
      return urgentTotal == 0 ? 1 : (double) urgentFound / urgentTotal;
    }

    public double urgentPrecision() {
      return urgentPredicted == 0 ? 1 : (double) urgentFound / urgentPredicted;
    }

    public static Evaluation of(Classifier classifier, BufferedReader labelled) throws IOException {
      int total = 0, correct = 0, uTotal = 0, uFound = 0, uPred = 0, skipped = 0;
      Map<Topic, int[]> per = new EnumMap<>(Topic.class); // topic → {correct, total}
      String line;
      while ((line = labelled.readLine()) != null) {
        if (line.isBlank()) continue;
        Topic want;
        Priority wantP;
        String text;
        try {
          JsonObject o = new JsonObject(line);
          want = Topic.of(o.getString("category"));
          wantP = Priority.of(o.getString("priority"));
          text = o.getString("text");
        } catch (RuntimeException e) {
          skipped++;
          continue;
        }
        Classification got = classifier.classify(text);
        total++;
        int[] pt = per.computeIfAbsent(want, t -> new int[2]);
        pt[1]++;
        if (got.topic() == want) {
          correct++;
          pt[0]++;
        }
        if (wantP == Priority.URGENT) uTotal++;
        if (got.priority() == Priority.URGENT) uPred++;
        if (wantP == Priority.URGENT && got.priority() == Priority.URGENT) uFound++;
      }
      return new Evaluation(total, correct, uTotal, uFound, uPred, per, skipped);
    }

    public String report() {
      StringBuilder b = new StringBuilder();
      b.append(String.format("examples          %d%s%n", total, skipped > 0 ? " (" + skipped + " unreadable lines skipped)" : ""));
      b.append(String.format("topic accuracy    %.3f (%d/%d)%n", accuracy(), correct, total));
      b.append(String.format("urgent recall     %.3f (%d/%d)%n", urgentRecall(), urgentFound, urgentTotal));
      b.append(String.format("urgent precision  %.3f (%d/%d)%n", urgentPrecision(), urgentFound, urgentPredicted));
      for (Topic t : Topic.values()) {
        int[] pt = perTopic.get(t);
        if (pt != null) b.append(String.format("  %-24s %.3f (%d/%d)%n", t.code(), (double) pt[0] / pt[1], pt[0], pt[1]));
      }
      return b.toString();
    }
  }
}
