package io.rearguard.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Reads the JSON body of a Prometheus {@code /api/v1/query} response. */
final class PrometheusResponses {
  /** Maximum length of response text copied into a message. */
  static final int MAX_ERROR_TEXT = 512;

  private static final int SHOWN_SERIES = 3;

  // Go's strconv spells infinity as Inf, which Double.parseDouble does not accept.
  private static final Set<String> NOT_FINITE = Set.of("NaN", "+Inf", "-Inf", "Inf");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PrometheusResponses() {}

  /** Reads a response with a status below 500 into a result. */
  static QueryResult parse(int status, byte[] body) {
    if (status >= 300 && status < 400) {
      return QueryResult.error(
          "unexpected HTTP " + status + " redirect; redirects are not followed");
    }
    if (status >= 400) {
      return QueryResult.error("Prometheus rejected the query: " + errorText(status, body));
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return QueryResult.error("unreadable JSON in response: " + e.getOriginalMessage());
    } catch (IOException e) {
      return QueryResult.error("unreadable response: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      return QueryResult.error("unreadable response: expected a JSON object");
    }
    String apiStatus = root.path("status").asText("");
    if ("error".equals(apiStatus)) {
      return QueryResult.error("Prometheus returned an error: " + apiError(root));
    }
    if (!"success".equals(apiStatus)) {
      return QueryResult.error("unreadable response: status is '" + shorten(apiStatus) + "'");
    }
    JsonNode data = root.path("data");
    String resultType = data.path("resultType").asText("");
    return switch (resultType) {
      case "vector" -> vector(data.path("result"));
      case "scalar" -> sample(data.path("result"));
      case "" -> QueryResult.error("unreadable response: data.resultType is missing");
      default ->
          QueryResult.error(
              "query returned a "
                  + shorten(resultType)
                  + "; expected a vector of one series or a scalar");
    };
  }

  /**
   * Describes a failed response: {@code HTTP 400 (bad_data): <error>} when the body is Prometheus
   * error JSON, otherwise the status and the start of the body.
   */
  static String errorText(int status, byte[] body) {
    try {
      JsonNode root = MAPPER.readTree(body);
      if (root != null && root.hasNonNull("error")) {
        return "HTTP " + status + " " + apiError(root);
      }
    } catch (IOException e) {
      // Not JSON, such as a proxy's HTML page; the raw text below is the best description.
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + shorten(text);
  }

  private static String apiError(JsonNode root) {
    String type = root.path("errorType").asText("");
    String error = shorten(root.path("error").asText(""));
    return type.isEmpty() ? error : "(" + shorten(type) + ") " + error;
  }

  private static QueryResult vector(JsonNode result) {
    if (!result.isArray()) {
      return QueryResult.error("unreadable response: vector result is not an array");
    }
    if (result.isEmpty()) {
      return QueryResult.noData(null, "empty vector");
    }
    if (result.size() > 1) {
      StringBuilder message = new StringBuilder();
      message.append("query returned ").append(result.size()).append(" series, expected 1: ");
      for (int i = 0; i < Math.min(SHOWN_SERIES, result.size()); i++) {
        if (i > 0) {
          message.append(", ");
        }
        appendLabels(message, result.get(i).path("metric"));
      }
      if (result.size() > SHOWN_SERIES) {
        message.append(", ...");
      }
      return QueryResult.error(shorten(message.toString()));
    }
    return sample(result.get(0).path("value"));
  }

  /** Reads a [timestamp, "value"] pair. */
  private static QueryResult sample(JsonNode pair) {
    if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
      return QueryResult.error("unreadable response: expected a [timestamp, \"value\"] sample");
    }
    String text = pair.get(1).asText();
    if (NOT_FINITE.contains(text)) {
      return QueryResult.noData(text, "value is " + text);
    }
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return QueryResult.error("unreadable sample value '" + shorten(text) + "'");
    }
    if (!Double.isFinite(value)) {
      return QueryResult.noData(text, "value is " + text);
    }
    return QueryResult.value(value, text);
  }

  private static void appendLabels(StringBuilder out, JsonNode metric) {
    out.append('{');
    Iterator<Map.Entry<String, JsonNode>> fields = metric.fields();
    boolean first = true;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!first) {
        out.append(", ");
      }
      first = false;
      out.append(field.getKey()).append("=\"");
      QueryTemplate.appendEscaped(out, field.getValue().asText());
      out.append('"');
    }
    out.append('}');
  }

  private static String shorten(String text) {
    if (text.length() <= MAX_ERROR_TEXT) {
      return text;
    }
    return text.substring(0, MAX_ERROR_TEXT) + "...";
  }
}
