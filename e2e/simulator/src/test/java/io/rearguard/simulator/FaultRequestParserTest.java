package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultRequestParserTest {

  private final FaultRequestParser parser = new FaultRequestParser();

  private FaultRule parse(String json) throws InvalidRequestException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesRevisionTargetWithAllFields() throws InvalidRequestException {
    FaultRule rule =
        parse(
            "{\"revision\": \"abc123\", \"errorRate\": 0.25, \"latencyMs\": 300,"
                + " \"invariantViolationsPerSecond\": 1.5}");

    assertThat(rule.target()).isEqualTo(FaultTarget.revision("abc123"));
    assertThat(rule.settings()).isEqualTo(new FaultSettings(0.25, 300, 1.5));
  }

  @Test
  void parsesImageTargetWithDefaultsOfZero() throws InvalidRequestException {
    FaultRule rule = parse("{\"image\": \"registry.example/app:v3\", \"errorRate\": 1}");

    assertThat(rule.target()).isEqualTo(FaultTarget.image("registry.example/app:v3"));
    assertThat(rule.settings()).isEqualTo(new FaultSettings(1, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty body||request body is empty",
        "malformed JSON|{\"revision\": |invalid JSON",
        "trailing content|{\"revision\": \"a\"} {}|invalid JSON",
        "duplicate field|{\"revision\": \"a\", \"revision\": \"b\"}|invalid JSON",
        "array body|[1, 2]|must be a JSON object",
        "unknown field|{\"revision\": \"a\", \"errorrate\": 0.5}|unknown field 'errorrate'",
        "no target|{\"errorRate\": 0.5}|set exactly one of 'revision' or 'image'",
        "two targets|{\"revision\": \"a\", \"image\": \"b\"}|set exactly one of",
        "blank revision|{\"revision\": \" \"}|'revision' must be a non-empty string",
        "numeric image|{\"image\": 3}|'image' must be a non-empty string",
        "error rate above 1|{\"revision\": \"a\", \"errorRate\": 1.5}|between 0 and 1, got 1.5",
        "negative error rate|{\"revision\": \"a\", \"errorRate\": -0.1}|must not be negative",
        "negative latency|{\"revision\": \"a\", \"latencyMs\": -5}|'latencyMs' must not be neg",
        "string number|{\"revision\": \"a\", \"latencyMs\": \"5\"}|'latencyMs' must be a number",
        "null number|{\"revision\": \"a\", \"errorRate\": null}|'errorRate' must be a number",
        "huge number|{\"revision\": \"a\", \"latencyMs\": 1e999}|'latencyMs' is too large",
        "negative violations|{\"image\": \"b\", \"invariantViolationsPerSecond\": -1}|must not be",
      })
  void rejectsInvalidBody(String description, String json, String expectedMessage) {
    String body = json == null ? "" : json;

    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(expectedMessage);
  }

  @Test
  void unknownFieldMessageListsAllowedFields() {
    assertThatThrownBy(() -> parse("{\"image\": \"b\", \"delayMs\": 5}"))
        .hasMessageContaining(
            "allowed fields are revision, image, errorRate, latencyMs, "
                + "invariantViolationsPerSecond");
  }
}
