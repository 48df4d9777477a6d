package io.rearguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryTemplateTest {
  private static final Set<String> KNOWN = QueryTemplate.BUILT_IN_NAMES;

  @Test
  void renderReplacesPlaceholdersInStrings() {
    String rendered =
        QueryTemplate.render(
            "rate(x{ns=\"{{namespace}}\",rev=\"{{canaryRevision}}-{{rollout}}\"}[1m])",
            Map.of("namespace", "shop", "canaryRevision", "abc12", "rollout", "web"));

    assertThat(rendered).isEqualTo("rate(x{ns=\"shop\",rev=\"abc12-web\"}[1m])");
  }

  @Test
  void renderKeepsRegexBracesAndEscapedQuotes() {
    String rendered =
        QueryTemplate.render("x{a=~\"b{2}}\", c=\"\\\"{{rollout}}\"}", Map.of("rollout", "web"));

    assertThat(rendered).isEqualTo("x{a=~\"b{2}}\", c=\"\\\"web\"}");
  }

  @Test
  void injectionAttemptsStaySingleStringLiteral() {
    List<String> attempts =
        List.of(
            "\"} or vector(1) or x{a=\"",
            "\\",
            "\\\"} or vector(1) #",
            "a\nb\r\nc\td",
            "nul\u0000bell\u0007del\u007fc1\u0085",
            "ünïcødé ✓ 😀",
            "{{rollout}}",
            "'`#",
            "");
    for (String value : attempts) {
      String rendered =
          QueryTemplate.render("up{pod=\"{{rollout}}\"} > 0", Map.of("rollout", value));

      Parsed parsed = Parsed.of(rendered);

      assertThat(parsed.outside()).as(value).containsExactly("up{pod=", "} > 0");
      assertThat(parsed.literals()).as(value).containsExactly(value);
    }
  }

  @Test
  void matcherInjectionStaysInsideEqualityMatcher() {
    List<String> attempts =
        List.of(
            "=~\".*\"",
            ".*\", job=~\".*",
            "{",
            "}",
            "x\"} or vector(1)",
            "x\"}) or vector(1) #\n",
            "x\", job!=\"");
    for (String value : attempts) {
      String rendered = QueryTemplate.render("count(up{job=\"{{job}}\"})", Map.of("job", value));

      Parsed parsed = Parsed.of(rendered);

      assertThat(parsed.outside()).as(value).containsExactly("count(up{job=", "})");
      assertThat(parsed.literals()).as(value).containsExactly(value);
    }
  }

  @Test
  void valueInRegexMatcherStaysRegex() {
    // Escaping keeps the value inside the string, but Prometheus still reads =~ as a regex.
    String rendered = QueryTemplate.render("up{job=~\"{{job}}\"}", Map.of("job", ".*"));

    assertThat(rendered).isEqualTo("up{job=~\".*\"}");
    assertThat(Parsed.of(rendered).outside()).containsExactly("up{job=~", "}");
  }

  @Test
  void loneSurrogateBecomesReplacementCharacter() {
    String rendered = QueryTemplate.render("x{a=\"{{rollout}}\"}", Map.of("rollout", "a\ud800b"));

    assertThat(rendered).isEqualTo("x{a=\"a\\ufffdb\"}");
    assertThat(Parsed.of(rendered).literals()).containsExactly("a\ufffdb");
  }

  @Test
  void validateAcceptsValidTemplate() {
    List<String> problems =
        QueryTemplate.validate(
            "sum(rate(x{a=\"{{namespace}}\"}[1m])) # note\n/ y{b='c', d=`e`}", KNOWN);

    assertThat(problems).isEmpty();
  }

  @Test
  void validateRejectsPlaceholderOutsideQuotes() {
    List<String> problems = QueryTemplate.validate("up{pod={{rollout}}}", KNOWN);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).startsWith("offset 7:");
    assertThat(problems.get(0)).contains("outside a double-quoted string");
  }

  @Test
  void validateRejectsUnknownName() {
    List<String> problems = QueryTemplate.validate("up{pod=\"{{podName}}\"}", KNOWN);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).startsWith("offset 8:");
    assertThat(problems.get(0)).contains("unknown placeholder {{podName}}");
  }

  @Test
  void validateAcceptsNameFromArgs() {
    List<String> problems =
        QueryTemplate.validate("up{pod=\"{{podName}}\"}", Set.of("podName", "namespace"));

    assertThat(problems).isEmpty();
  }

  @Test
  void validateRejectsUnterminatedString() {
    List<String> problems = QueryTemplate.validate("up{pod=\"{{rollout}}}", KNOWN);

    assertThat(problems).containsExactly("offset 7: unterminated string");
  }

  @Test
  void validateRejectsNewlineInDoubleQuotedString() {
    List<String> problems = QueryTemplate.validate("up{pod=\"a\nb\"}", KNOWN);

    assertThat(problems).first().asString().startsWith("offset 7: unterminated string");
  }

  @Test
  void validateRejectsUnbalancedBraces() {
    for (String template :
        List.of("up{a=\"{{rollout\"}", "up{a=\"{{ rollout }}\"}", "up{a=\"{{}}\"}")) {
      List<String> problems = QueryTemplate.validate(template, KNOWN);

      assertThat(problems).as(template).hasSize(1);
      assertThat(problems.get(0)).as(template).startsWith("offset 6: unbalanced '{{'");
    }
  }

  @Test
  void validateRejectsPlaceholderInOtherStrings() {
    List<String> single = QueryTemplate.validate("up{a='{{rollout}}'}", KNOWN);
    List<String> raw = QueryTemplate.validate("up{a=`{{rollout}}`}", KNOWN);

    assertThat(single).hasSize(1);
    assertThat(single.get(0)).startsWith("offset 6:").contains("single-quoted");
    assertThat(raw).hasSize(1);
    assertThat(raw.get(0)).startsWith("offset 6:").contains("raw");
  }

  @Test
  void validateRejectsPlaceholderInComment() {
    List<String> problems = QueryTemplate.validate("up # \"{{rollout}}\"\n", KNOWN);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).startsWith("offset 6:").contains("comment");
  }

  @Test
  void renderRejectsInvalidTemplate() {
    assertThatThrownBy(() -> QueryTemplate.render("up{a={{rollout}}}", Map.of("rollout", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 5")
        .hasMessageContaining("outside a double-quoted string");
  }

  @Test
  void renderRejectsMissingValue() {
    assertThatThrownBy(() -> QueryTemplate.render("up{a=\"{{rollout}}\"}", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offset 6: no value for placeholder {{rollout}}");
  }

  /**
   * Splits a query into the text outside double-quoted strings and the decoded string contents, as
   * a PromQL lexer would. It fails on a raw control character or an unknown escape inside a string,
   * which PromQL would reject.
   */
  private record Parsed(List<String> outside, List<String> literals) {
    static Parsed of(String query) {
      List<String> outside = new ArrayList<>();
      List<String> literals = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      int i = 0;
      while (i < query.length()) {
        char c = query.charAt(i);
        if (c != '"') {
          current.append(c);
          i++;
          continue;
        }
        outside.add(current.toString());
        current.setLength(0);
        i = readLiteral(query, i + 1, current);
        literals.add(current.toString());
        current.setLength(0);
      }
      outside.add(current.toString());
      return new Parsed(outside, literals);
    }

    private static int readLiteral(String query, int start, StringBuilder out) {
      int i = start;
      while (i < query.length()) {
        char c = query.charAt(i);
        if (c == '"') {
          return i + 1;
        }
        if (Character.isISOControl(c)) {
          throw new AssertionError("raw control character at offset " + i + " in " + query);
        }
        if (c != '\\') {
          out.append(c);
          i++;
          continue;
        }
        char escape = query.charAt(i + 1);
        switch (escape) {
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case '\\', '"' -> out.append(escape);
          case 'u' -> {
            out.append((char) Integer.parseInt(query.substring(i + 2, i + 6), 16));
            i += 4;
          }
          default -> throw new AssertionError("unknown escape \\" + escape + " in " + query);
        }
        i += 2;
      }
      throw new AssertionError("unterminated string in " + query);
    }
  }
}
