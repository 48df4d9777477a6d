package io.rearguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignalQueriesTest {
  private static final Map<String, String> VALUES =
      Map.of("namespace", "shop", "rollout", "checkout");

  private static String forRevision(String selector) {
    return SignalQueries.forRevision(selector, VALUES, "revision", "abc123");
  }

  @Test
  void addsRevisionMatcherAfterExistingMatchers() {
    String series = forRevision("http_requests_total{code=\"500\"}");

    assertThat(series).isEqualTo("http_requests_total{code=\"500\",revision=\"abc123\"}");
  }

  @Test
  void addsMatcherBlockToBareMetricName() {
    String series = forRevision("http_requests_total");

    assertThat(series).isEqualTo("http_requests_total{revision=\"abc123\"}");
  }

  @Test
  void fillsEmptyMatcherBlock() {
    String series = forRevision("http_requests_total{ }");

    assertThat(series).isEqualTo("http_requests_total{revision=\"abc123\"}");
  }

  @Test
  void usesChosenLabelName() {
    String series =
        SignalQueries.forRevision("jobs_failed_total", VALUES, "pod_template_hash", "abc123");

    assertThat(series).isEqualTo("jobs_failed_total{pod_template_hash=\"abc123\"}");
  }

  @Test
  void rendersPlaceholdersInLabelValues() {
    String series =
        forRevision("http_requests_total{namespace=\"{{namespace}}\",rollout=\"{{rollout}}\"}");

    assertThat(series)
        .isEqualTo(
            "http_requests_total{namespace=\"shop\",rollout=\"checkout\",revision=\"abc123\"}");
  }

  @Test
  void escapesValueClosingTheBlock() {
    // given a namespace value that would end the string and the selector if pasted as it is
    Map<String, String> hostile = Map.of("namespace", "x\"} or vector(1) #");

    // when the selector is rendered
    String series =
        SignalQueries.forRevision("m{namespace=\"{{namespace}}\"}", hostile, "revision", "abc123");

    // then the value stays inside its string and the revision matcher stays in the block
    assertThat(series).isEqualTo("m{namespace=\"x\\\"} or vector(1) #\",revision=\"abc123\"}");
  }

  @Test
  void keepsBracesInsideQuotedValues() {
    String series = forRevision("http_requests_total{path=\"/orders/{id}\"}");

    assertThat(series).isEqualTo("http_requests_total{path=\"/orders/{id}\",revision=\"abc123\"}");
  }

  @Test
  void keepsTrailingCommaValid() {
    // given a selector with the trailing comma that PromQL allows in a matcher list
    String series = forRevision("http_requests_total{code=\"500\",}");

    // then the added matcher does not produce an empty matcher between two commas
    assertThat(series).isEqualTo("http_requests_total{code=\"500\",revision=\"abc123\"}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a{x=\"1\"} or b{y=\"2\"}",
        "a{x=\"1\"}{y=\"2\"}",
        "a{x=\"1\"}[5m]",
        "a{x=\"1\"} offset 5m",
        "a{x=\"1\"} or vector(1)",
        "rate(a[5m])",
        "a or vector(1)",
        "sum(a)",
        ""
      })
  void rejectsAnythingButOneSelector(String selector) {
    assertThatThrownBy(() -> forRevision(selector))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selector must");
  }

  @Test
  void rejectsSecondBlockHiddenBehindSingleQuotes() {
    // given a second selector whose braces sit between two double quotes inside '...' strings,
    // which PromQL reads as two single-quoted values
    String selector = "a{x='\"'} or b{y='\"'}";

    // then it is rejected like any other second block
    assertThatThrownBy(() -> forRevision(selector)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsUnterminatedQuoteInBlock() {
    assertThatThrownBy(() -> SignalQueries.forRevision("a{x=\"1}", Map.of(), "revision", "abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsInvalidLabelName() {
    assertThatThrownBy(() -> SignalQueries.forRevision("a", VALUES, "rev-ision", "abc123"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid label name 'rev-ision'");
  }

  @Test
  void rejectsRevisionThatIsNotAHash() {
    assertThatThrownBy(() -> SignalQueries.forRevision("a", VALUES, "revision", "abc\"} or x{"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid revision");
  }

  @Test
  void rejectsPlaceholderWithoutValue() {
    assertThatThrownBy(() -> forRevision("a{x=\"{{canaryRevision}}\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no value for placeholder {{canaryRevision}}");
  }

  @Test
  void rateSumWrapsSelectorAndWindow() {
    assertThat(SignalQueries.rateSum("a{revision=\"abc\"}", "5m"))
        .isEqualTo("sum(rate(a{revision=\"abc\"}[5m]))");
  }

  @Test
  void increaseSumWrapsSelectorAndWindow() {
    assertThat(SignalQueries.increaseSum("a{revision=\"abc\"}", "10s"))
        .isEqualTo("sum(increase(a{revision=\"abc\"}[10s]))");
  }

  @Test
  void validateAcceptsSelectorWithKnownPlaceholders() {
    String problem =
        SignalQueries.validate("a{namespace=\"{{namespace}}\"}", Set.of("namespace", "rollout"));

    assertThat(problem).isNull();
  }

  @Test
  void validateNamesUnknownPlaceholder() {
    String problem = SignalQueries.validate("a{team=\"{{team}}\"}", Set.of("namespace"));

    assertThat(problem).contains("unknown placeholder {{team}}");
  }

  @Test
  void validateRejectsTrailingExpression() {
    String problem = SignalQueries.validate("a{x=\"1\"} or vector(1)", Set.of());

    assertThat(problem).contains("selector must");
  }
}
