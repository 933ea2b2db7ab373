package io.newspush.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: it fails on the first line a
 * Prometheus server could not ingest, and returns every sample of a valid scrape. One rule is
 * stricter than the format: every sample's family must have a TYPE line, as Micrometer writes.
 */
public final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]?Inf|NaN");
  private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
  /** Sample name suffixes that belong to the family a histogram or summary TYPE line names. */
  private static final List<String> FAMILY_SUFFIXES = List.of("_bucket", "_count", "_sum");

  public record Sample(String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  public static List<Sample> parse(String text) {
    if (!text.endsWith("\n")) {
      throw new AssertionError("the exposition must end with a line feed");
    }
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> seen = new HashSet<>();
    List<Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + " '" + line + "': ";
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        check(METRIC_NAME.matcher(parts[0]).matches(), where + "invalid metric name");
        check(parts.length == 2, where + "no text after the name");
        if (line.startsWith("# HELP ")) {
          check(helped.add(parts[0]), where + "second HELP for the family");
          checkHelpEscapes(parts[1], where);
        } else {
          check(TYPES.contains(parts[1]), where + "unknown type");
          check(types.put(parts[0], parts[1]) == null, where + "second TYPE for the family");
          check(samples.stream().noneMatch(s -> family(s.name(), types).equals(parts[0])), where + "TYPE after samples of the family");
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      Sample sample = sample(line, where);
      check(types.containsKey(family(sample.name(), types)), where + "sample without a TYPE line for its family");
      check(seen.add(sample.name() + sample.labels()), where + "the same series twice");
      samples.add(sample);
    }
    return samples;
  }

  /** The sum of a metric's values over all its label sets, or fails if it is absent. */
  public static double sum(List<Sample> samples, String name) {
    List<Sample> matching = samples.stream().filter(s -> s.name().equals(name)).toList();
    check(!matching.isEmpty(), "no metric " + name);
    return matching.stream().mapToDouble(Sample::value).sum();
  }

  /** How much the samples named {@code name}, summed over their labels, grew between two scrapes. */
  public static long delta(List<Sample> before, List<Sample> after, String name) {
    return Math.round(sum(after, name) - sum(before, name));
  }

  /** The value of the series with exactly these labels, or fails if it is absent. */
  public static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels)).findFirst()
        .orElseThrow(() -> new AssertionError("no series " + name + labels)).value();
  }

  private static String family(String sampleName, Map<String, String> types) {
    for (String suffix : FAMILY_SUFFIXES) {
      if (sampleName.endsWith(suffix)) {
        String family = sampleName.substring(0, sampleName.length() - suffix.length());
        String type = types.get(family);
        if ("histogram".equals(type) || "summary".equals(type)) {
          return family;
        }
      }
    }
    return sampleName;
  }

  private static Sample sample(String line, String where) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    check(METRIC_NAME.matcher(name).matches(), where + "invalid metric name");
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        check(i < line.length(), where + "unterminated label set");
        if (line.charAt(i) == '}') {
          break;
        }
        int equals = line.indexOf('=', i);
        check(equals > 0, where + "label without '='");
        String label = line.substring(i, equals);
        check(LABEL_NAME.matcher(label).matches(), where + "invalid label name '" + label + "'");
        check(equals + 1 < line.length() && line.charAt(equals + 1) == '"', where + "label value not quoted");
        StringBuilder value = new StringBuilder();
        int j = equals + 2;
        while (true) {
          check(j < line.length(), where + "unterminated label value");
          char c = line.charAt(j);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            check(j + 1 < line.length() && "\\\"n".indexOf(line.charAt(j + 1)) >= 0, where + "bad escape in label value");
            char escaped = line.charAt(j + 1);
            value.append(escaped == 'n' ? '\n' : escaped);
            j += 2;
          } else {
            value.append(c);
            j++;
          }
        }
        check(labels.put(label, value.toString()) == null, where + "label '" + label + "' twice");
        i = j + 1;
        check(i < line.length(), where + "unterminated label set");
        if (line.charAt(i) == ',') {
          i++;
        } else {
          check(line.charAt(i) == '}', where + "expected ',' or '}' after a label");
        }
      }
      i++;
    }
    check(i < line.length() && line.charAt(i) == ' ', where + "no space before the value");
    String[] rest = line.substring(i + 1).split(" ", -1);
    check(rest.length == 1 || rest.length == 2, where + "expected a value and an optional timestamp");
    check(FLOAT.matcher(rest[0]).matches(), where + "value is not a float");
    check(rest.length == 1 || TIMESTAMP.matcher(rest[1]).matches(), where + "timestamp is not an integer");
    String number = rest[0].replace("Inf", "Infinity");
    return new Sample(name, labels, Double.parseDouble(number));
  }

  private static void checkHelpEscapes(String text, String where) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        check(i + 1 < text.length() && "\\n".indexOf(text.charAt(i + 1)) >= 0, where + "HELP may escape only backslash and n");
        i++;
      }
    }
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }
}
