package io.rearguard.admission;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@link PolicyAdmission}. It accepts POST only and rejects a body larger than the
 * limit with 413 before validating anything. A malformed review gets 400, and a valid one gets 200
 * with the AdmissionReview response as JSON.
 */
final class AdmissionHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionHttpHandler.class);
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private final PolicyAdmission admission;
  private final int maxBodyBytes;

  AdmissionHttpHandler(PolicyAdmission admission, int maxBodyBytes) {
    this.admission = admission;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        text(exchange, 405, "only POST is supported");
        return;
      }
      String length = exchange.getRequestHeaders().getFirst("Content-Length");
      if (length != null && parseLength(length) > maxBodyBytes) {
        LOG.warn("rejected an admission request of {} bytes from {}", length, remote(exchange));
        text(exchange, 413, tooLarge());
        return;
      }
      byte[] body = readAtMost(exchange.getRequestBody(), maxBodyBytes);
      if (body == null) {
        LOG.warn("rejected a chunked admission request over the limit from {}", remote(exchange));
        text(exchange, 413, tooLarge());
        return;
      }
      AdmissionReview review;
      try {
        review = admission.review(body);
      } catch (PolicyAdmission.MalformedReviewException e) {
        LOG.warn("malformed admission request from {}: {}", remote(exchange), e.getMessage());
        text(exchange, 400, "malformed AdmissionReview: " + e.getMessage());
        return;
      }
      byte[] json = MAPPER.writeValueAsBytes(review);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, json.length);
      exchange.getResponseBody().write(json);
    } catch (IOException | RuntimeException e) {
      LOG.warn("admission request from {} failed: {}", remote(exchange), e.toString());
    }
  }

  /**
   * Reads a stream to its end, or returns null as soon as it has more than {@code max} bytes, so a
   * large body never sits in memory whole.
   */
  static byte[] readAtMost(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int read;
    while ((read = in.read(buffer)) != -1) {
      if (out.size() + read > max) {
        return null;
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  private String tooLarge() {
    return "the request body exceeds the limit of " + maxBodyBytes + " bytes";
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String remote(HttpExchange exchange) {
    return String.valueOf(exchange.getRemoteAddress());
  }

  private static void text(HttpExchange exchange, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }
}
