package io.rearguard.analysis;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the PromQL behind SLO triggers, invariants and the error budget from a user's selector:
 * placeholders are filled in safely, then the revision label matcher is added.
 */
public final class SignalQueries {
  private static final Pattern SELECTOR =
      Pattern.compile("^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*(\\{.*})?\\s*$", Pattern.DOTALL);
  private static final Pattern LABEL = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");
  private static final Pattern REVISION = Pattern.compile("^[a-z0-9]{1,63}$");

  private SignalQueries() {}

  /**
   * Returns the selector with placeholders rendered and {@code label="revision"} added.
   *
   * @throws IllegalArgumentException when the selector is not a metric name with optional matchers,
   *     or the label or revision is malformed
   */
  public static String forRevision(
      String selector, Map<String, String> values, String label, String revision) {
    if (!LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException("invalid label name '" + label + "'");
    }
    if (revision == null || !REVISION.matcher(revision).matches()) {
      throw new IllegalArgumentException("invalid revision '" + revision + "'");
    }
    String rendered = QueryTemplate.render(selector, values).trim();
    var matcher = SELECTOR.matcher(rendered);
    if (!matcher.matches() || (matcher.group(1) == null && matcher.group(2) == null)) {
      throw new IllegalArgumentException(
          "selector must be a metric name with optional {label matchers}, got '" + selector + "'");
    }
    String name = matcher.group(1) == null ? "" : matcher.group(1);
    String matchers = matcher.group(2);
    if (matchers != null && !singleMatcherBlock(matchers)) {
      throw new IllegalArgumentException(
          "selector must contain one {label matchers} block and nothing after it, got '"
              + selector
              + "'");
    }
    String revisionMatcher = label + "=\"" + revision + "\"";
    String inner = matchers == null ? "" : matchers.substring(1, matchers.length() - 1).strip();
    if (inner.endsWith(",")) {
      // PromQL allows a trailing comma; drop it so that the added matcher does not double it.
      inner = inner.substring(0, inner.length() - 1).strip();
    }
    if (inner.isEmpty()) {
      return name + "{" + revisionMatcher + "}";
    }
    return name + "{" + inner + "," + revisionMatcher + "}";
  }

  /**
   * Returns whether braces appear only at both ends, outside PromQL strings: double-quoted and
   * single-quoted ones with backslash escapes, and backtick ones without.
   */
  private static boolean singleMatcherBlock(String matchers) {
    char quote = 0;
    for (int i = 1; i < matchers.length() - 1; i++) {
      char c = matchers.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote != '`') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      } else if (c == '{' || c == '}') {
        return false;
      }
    }
    return quote == 0;
  }

  /** Returns {@code sum(rate(selector[window]))}. */
  public static String rateSum(String selector, String window) {
    return "sum(rate(" + selector + "[" + window + "]))";
  }

  /** Returns {@code sum(increase(selector[window]))}. */
  public static String increaseSum(String selector, String window) {
    return "sum(increase(" + selector + "[" + window + "]))";
  }

  /** Returns the problem with a selector template, or null when it is usable. */
  public static String validate(String selector, java.util.Set<String> knownNames) {
    var problems = QueryTemplate.validate(selector, knownNames);
    if (!problems.isEmpty()) {
      return String.join("; ", problems);
    }
    Map<String, String> sample = new java.util.HashMap<>();
    knownNames.forEach(name -> sample.put(name, "x"));
    try {
      forRevision(selector, sample, "revision", "abc");
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
