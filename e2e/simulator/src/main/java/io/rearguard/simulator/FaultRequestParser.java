package io.rearguard.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Parses and validates the JSON body of {@code PUT /faults}.
 *
 * <p>The body selects its target with exactly one of {@code revision} (a revision hash) or {@code
 * image} (an exact image string) and may set {@code errorRate} (0 to 1), {@code latencyMs} and
 * {@code invariantViolationsPerSecond} (both finite and non-negative). Omitted numbers are 0. Any
 * other field is rejected.
 */
public final class FaultRequestParser {

  static final String REVISION = "revision";
  static final String IMAGE = "image";
  static final String ERROR_RATE = "errorRate";
  static final String LATENCY_MS = "latencyMs";
  static final String VIOLATIONS_PER_SECOND = "invariantViolationsPerSecond";

  private static final List<String> FIELDS =
      List.of(REVISION, IMAGE, ERROR_RATE, LATENCY_MS, VIOLATIONS_PER_SECOND);

  private static final String EXAMPLE = "{\"revision\": \"abc123\", \"errorRate\": 0.5}";

  private final ObjectMapper mapper =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * Parses a request body into a fault rule.
   *
   * @throws InvalidRequestException if the body is not valid JSON or breaks a rule above
   */
  public FaultRule parse(byte[] body) throws InvalidRequestException {
    JsonNode root = readTree(body);
    if (!root.isObject()) {
      throw new InvalidRequestException(
          "request body must be a JSON object such as " + EXAMPLE + ", got " + describe(root));
    }
    rejectUnknownFields(root);
    FaultTarget target = target(root);
    double errorRate = number(root, ERROR_RATE);
    if (errorRate > 1) {
      throw new InvalidRequestException(
          "'" + ERROR_RATE + "' must be between 0 and 1, got " + errorRate);
    }
    FaultSettings settings =
        new FaultSettings(errorRate, number(root, LATENCY_MS), number(root, VIOLATIONS_PER_SECOND));
    return new FaultRule(target, settings);
  }

  private JsonNode readTree(byte[] body) throws InvalidRequestException {
    if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
      throw new InvalidRequestException(
          "request body is empty; send a JSON object such as " + EXAMPLE);
    }
    try {
      return mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidRequestException("unreadable request body: " + e.getMessage());
    }
  }

  private static void rejectUnknownFields(JsonNode root) throws InvalidRequestException {
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new InvalidRequestException(
            "unknown field '" + name + "'; allowed fields are " + String.join(", ", FIELDS));
      }
    }
  }

  private static FaultTarget target(JsonNode root) throws InvalidRequestException {
    boolean hasRevision = root.has(REVISION);
    boolean hasImage = root.has(IMAGE);
    if (hasRevision == hasImage) {
      throw new InvalidRequestException(
          "set exactly one of '" + REVISION + "' or '" + IMAGE + "' to select the target");
    }
    if (hasRevision) {
      return FaultTarget.revision(text(root, REVISION));
    }
    return FaultTarget.image(text(root, IMAGE));
  }

  private static String text(JsonNode root, String field) throws InvalidRequestException {
    JsonNode node = root.get(field);
    if (!node.isTextual() || node.textValue().isBlank()) {
      throw new InvalidRequestException(
          "'" + field + "' must be a non-empty string, got " + describe(node));
    }
    return node.textValue();
  }

  private static double number(JsonNode root, String field) throws InvalidRequestException {
    JsonNode node = root.get(field);
    if (node == null) {
      return 0;
    }
    if (!node.isNumber()) {
      throw new InvalidRequestException("'" + field + "' must be a number, got " + describe(node));
    }
    double value = node.doubleValue();
    if (!Double.isFinite(value)) {
      throw new InvalidRequestException("'" + field + "' is too large: " + node.asText());
    }
    if (value < 0) {
      throw new InvalidRequestException("'" + field + "' must not be negative, got " + value);
    }
    return value;
  }

  private static String describe(JsonNode node) {
    String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
    return node.isContainerNode() ? type : type + " " + node;
  }
}
