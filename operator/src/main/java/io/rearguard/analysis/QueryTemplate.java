package io.rearguard.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A PromQL query with {@code {{name}}} placeholders, which may appear only inside double-quoted
 * string literals. Each value is escaped as the content of a PromQL double-quoted string, so a
 * value cannot end the string or change the query's structure.
 *
 * <p>NOTE: a value placed in a regex matcher ({@code =~"{{name}}"}) is still read as a regular
 * expression by Prometheus. Escaping keeps it inside the string but does not quote regex syntax.
 */
public final class QueryTemplate {

  /** Placeholder names the operator always supplies. */
  public static final Set<String> BUILT_IN_NAMES =
      Set.of("namespace", "rollout", "canaryRevision", "stableRevision");

  private static final String OPEN = "{{";
  private static final String CLOSE = "}}";

  private QueryTemplate() {}

  /**
   * Checks a template against the placeholder names that will have values.
   *
   * @return human-readable problems, each naming the character offset; empty when valid
   */
  public static List<String> validate(String template, Set<String> knownNames) {
    if (template == null) {
      return List.of("query is missing");
    }
    Scan scan = Scanner.scan(template);
    List<String> problems = new ArrayList<>(scan.problems());
    for (Placeholder placeholder : scan.placeholders()) {
      if (!knownNames.contains(placeholder.name())) {
        problems.add(
            String.format(
                "offset %d: unknown placeholder {{%s}}; known names are %s",
                placeholder.start(), placeholder.name(), new TreeSet<>(knownNames)));
      }
    }
    return problems;
  }

  /**
   * Replaces each placeholder with its escaped value.
   *
   * @throws IllegalArgumentException when the template is invalid or a placeholder has no value
   */
  public static String render(String template, Map<String, String> values) {
    if (template == null) {
      throw new IllegalArgumentException("query is missing");
    }
    Scan scan = Scanner.scan(template);
    if (!scan.problems().isEmpty()) {
      throw new IllegalArgumentException(
          "invalid query template: " + String.join("; ", scan.problems()));
    }
    StringBuilder out = new StringBuilder(template.length() + 32);
    int copied = 0;
    for (Placeholder placeholder : scan.placeholders()) {
      String value = values.get(placeholder.name());
      if (value == null) {
        throw new IllegalArgumentException(
            String.format(
                "offset %d: no value for placeholder {{%s}}",
                placeholder.start(), placeholder.name()));
      }
      out.append(template, copied, placeholder.start());
      appendEscaped(out, value);
      copied = placeholder.end();
    }
    out.append(template, copied, template.length());
    return out.toString();
  }

  /** Appends {@code value} escaped as the content of a PromQL double-quoted string. */
  static void appendEscaped(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c)
              && i + 1 < value.length()
              && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(i + 1));
            i++;
          } else if (Character.isSurrogate(c)) {
            // A lone surrogate has no UTF-8 encoding, and PromQL rejects \\u escapes of one.
            out.append("\\ufffd");
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /** A placeholder's name and its span in the template, from the first '{' to past the last '}'. */
  private record Placeholder(int start, int end, String name) {}

  private record Scan(List<Placeholder> placeholders, List<String> problems) {}

  /** Walks a template once, tracking PromQL strings and comments. */
  private static final class Scanner {
    private final String text;
    private final List<Placeholder> placeholders = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Scanner(String text) {
      this.text = text;
    }

    static Scan scan(String text) {
      Scanner scanner = new Scanner(text);
      scanner.run();
      return new Scan(List.copyOf(scanner.placeholders), List.copyOf(scanner.problems));
    }

    private void run() {
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '"') {
          i = scanDoubleQuoted(i);
        } else if (c == '\'' || c == '`') {
          i = scanOtherString(i);
        } else if (c == '#') {
          i = scanComment(i);
        } else if (text.startsWith(OPEN, i)) {
          problems.add(
              String.format(
                  "offset %d: placeholder outside a double-quoted string; write it inside \"...\"",
                  i));
          i = skipPastClose(i);
        } else {
          i++;
        }
      }
    }

    /** Scans a "..." string starting at the quote and returns the offset after it. */
    private int scanDoubleQuoted(int quote) {
      int i = quote + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '"') {
          return i + 1;
        } else if (c == '\n') {
          break;
        } else if (c == '\\') {
          i += 2;
        } else if (text.startsWith(OPEN, i)) {
          i = scanPlaceholder(i);
        } else {
          i++;
        }
      }
      problems.add(String.format("offset %d: unterminated string", quote));
      return text.length();
    }

    /** Reads {{name}} at {@code open} and returns the offset after it. */
    private int scanPlaceholder(int open) {
      int nameStart = open + OPEN.length();
      int nameEnd = nameStart;
      while (nameEnd < text.length() && isNameChar(text.charAt(nameEnd), nameEnd == nameStart)) {
        nameEnd++;
      }
      if (nameEnd == nameStart || !text.startsWith(CLOSE, nameEnd)) {
        problems.add(
            String.format(
                "offset %d: unbalanced '{{'; a placeholder is {{name}} where the name has"
                    + " letters, digits and underscores and does not start with a digit",
                open));
        return nameStart;
      }
      int end = nameEnd + CLOSE.length();
      placeholders.add(new Placeholder(open, end, text.substring(nameStart, nameEnd)));
      return end;
    }

    /** Scans a '...' or `...` string, where placeholders are not allowed. */
    private int scanOtherString(int quote) {
      char delimiter = text.charAt(quote);
      int i = quote + 1;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == delimiter) {
          return i + 1;
        } else if (c == '\n' && delimiter == '\'') {
          break;
        } else if (c == '\\' && delimiter == '\'') {
          i += 2;
        } else if (text.startsWith(OPEN, i)) {
          problems.add(
              String.format(
                  "offset %d: placeholder inside a %s string; placeholders are allowed only in"
                      + " double-quoted strings",
                  i, delimiter == '`' ? "raw" : "single-quoted"));
          i = skipPastClose(i);
        } else {
          i++;
        }
      }
      problems.add(String.format("offset %d: unterminated string", quote));
      return text.length();
    }

    /** Skips a # comment to the end of its line. */
    private int scanComment(int hash) {
      int end = text.indexOf('\n', hash);
      int stop = end < 0 ? text.length() : end;
      int open = text.indexOf(OPEN, hash);
      if (open >= 0 && open < stop) {
        problems.add(
            String.format(
                "offset %d: placeholder inside a comment; write it inside a double-quoted string",
                open));
      }
      return stop;
    }

    private int skipPastClose(int open) {
      int close = text.indexOf(CLOSE, open + OPEN.length());
      int lineEnd = text.indexOf('\n', open);
      if (close < 0 || (lineEnd >= 0 && lineEnd < close)) {
        return open + OPEN.length();
      }
      return close + CLOSE.length();
    }

    private static boolean isNameChar(char c, boolean first) {
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      return letter || (!first && c >= '0' && c <= '9');
    }
  }
}
