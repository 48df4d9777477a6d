package io.rearguard.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reading request bodies and writing responses for the JDK HTTP server. */
final class HttpExchanges {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpExchanges() {}

  /**
   * Reads the request body.
   *
   * @throws InvalidRequestException if the body is longer than {@code maxBytes}
   */
  static byte[] readBody(HttpExchange exchange, int maxBytes)
      throws IOException, InvalidRequestException {
    String declaredLength = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declaredLength != null && isLongerThan(declaredLength, maxBytes)) {
      throw tooLarge(maxBytes);
    }
    try (InputStream body = exchange.getRequestBody()) {
      byte[] bytes = body.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return bytes;
    }
  }

  /** Sends a JSON response. */
  static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /** Sends a JSON error response of the form {@code {"error": "message"}}. */
  static void sendError(HttpExchange exchange, int status, String message) throws IOException {
    sendJson(exchange, status, Map.of("error", message));
  }

  /** Sends a plain text response. */
  static void sendText(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static boolean isLongerThan(String declaredLength, int maxBytes) {
    try {
      return Long.parseLong(declaredLength.trim()) > maxBytes;
    } catch (NumberFormatException e) {
      // The JDK server rejects a malformed Content-Length before the handler runs.
      return false;
    }
  }

  private static InvalidRequestException tooLarge(int maxBytes) {
    return new InvalidRequestException(
        "request body is larger than the limit of " + maxBytes + " bytes");
  }
}
