package io.rearguard.analysis;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Builds query URLs for {@link PrometheusClient} and unwraps the exceptions its calls throw. */
final class PrometheusRequests {
  private PrometheusRequests() {}

  /**
   * Builds {@code {address}/api/v1/query?query=...&time=...}.
   *
   * @throws IllegalArgumentException when the address is not an http or https URL with a host
   */
  static URI queryUri(String address, String query, Instant time) {
    URI base;
    try {
      base = new URI(address == null ? "" : address.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid Prometheus address: " + e.getMessage());
    }
    String scheme = base.getScheme();
    if (base.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
      throw new IllegalArgumentException(
          "invalid Prometheus address '" + address + "': expected http://host:port or https://");
    }
    if (base.getRawUserInfo() != null) {
      // The address is not repeated because the user info may contain a password.
      throw new IllegalArgumentException(
          "invalid Prometheus address: user info in the URL is not supported");
    }
    String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    String authority = base.getRawAuthority();
    return URI.create(
        scheme
            + "://"
            + authority
            + path
            + "/api/v1/query?query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + "&time="
            + formatTime(time));
  }

  /** Formats an instant as Unix seconds with milliseconds, the form Prometheus accepts. */
  static String formatTime(Instant time) {
    long millis = time.toEpochMilli();
    return String.format(
        Locale.ROOT, "%d.%03d", Math.floorDiv(millis, 1000), Math.floorMod(millis, 1000));
  }

  /**
   * Returns the exception that a future or completion stage wrapped, or the size limit failure that
   * the HTTP client wrapped in an IOException.
   */
  static Throwable unwrap(Throwable thrown) {
    Throwable cause = thrown;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof IOException && cause.getCause() instanceof ResponseTooLargeException) {
      return cause.getCause();
    }
    return cause;
  }
}
