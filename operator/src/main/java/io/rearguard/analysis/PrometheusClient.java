package io.rearguard.analysis;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends instant queries to the Prometheus HTTP API ({@code GET {address}/api/v1/query}). Each call
 * goes through a Retry, a CircuitBreaker and a Bulkhead for its address, and a TimeLimiter. Query,
 * network and server problems are returned as {@link QueryResult.Kind#ERROR} results and not
 * thrown. Only a null query or time throws.
 *
 * <p>The constructor registers the query metrics on the given registry, so create one client per
 * registry.
 */
public final class PrometheusClient {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusClient.class);

  private final HttpClient http;
  private final Clock clock;
  private final Settings settings;
  private final CappedBodyHandler bodyHandler;
  private final Retry retry;
  private final TimeLimiter timeLimiter;
  private final CircuitBreakerRegistry circuitBreakers;
  private final BulkheadRegistry bulkheads;
  private final Counter queries;
  private final Histogram durations;

  /**
   * Limits for queries.
   *
   * @param timeout time allowed for one attempt, from sending the request to reading the body
   * @param maxResponseBytes maximum response body size in bytes. A longer body is an error.
   * @param maxAttempts maximum attempts per query, the first included. Only connection errors,
   *     timeouts and HTTP 5xx are retried.
   * @param initialBackoff wait before the second attempt
   * @param backoffMultiplier factor applied to the wait before each further attempt
   * @param circuitBreakerWindowSize attempts in the count-based window of each address's breaker
   * @param circuitBreakerMinimumCalls attempts recorded before the breaker can open
   * @param circuitBreakerFailureRatePercent failure rate in the window that opens the breaker
   * @param circuitBreakerOpenDuration time an open breaker rejects calls before it lets one through
   * @param maxConcurrentCalls maximum concurrent attempts per address. One more is rejected at
   *     once.
   */
  public record Settings(
      Duration timeout,
      long maxResponseBytes,
      int maxAttempts,
      Duration initialBackoff,
      double backoffMultiplier,
      int circuitBreakerWindowSize,
      int circuitBreakerMinimumCalls,
      float circuitBreakerFailureRatePercent,
      Duration circuitBreakerOpenDuration,
      int maxConcurrentCalls) {

    /** Checks that every limit is positive. */
    public Settings {
      requirePositive("timeout", timeout);
      requirePositive("initialBackoff", initialBackoff);
      requirePositive("circuitBreakerOpenDuration", circuitBreakerOpenDuration);
      if (maxResponseBytes < 1 || maxAttempts < 1 || maxConcurrentCalls < 1) {
        throw new IllegalArgumentException(
            "maxResponseBytes, maxAttempts and maxConcurrentCalls must be at least 1");
      }
      if (backoffMultiplier < 1.0) {
        throw new IllegalArgumentException("backoffMultiplier must be at least 1.0");
      }
      if (circuitBreakerWindowSize < 1
          || circuitBreakerMinimumCalls < 1
          || circuitBreakerFailureRatePercent <= 0
          || circuitBreakerFailureRatePercent > 100) {
        throw new IllegalArgumentException(
            "circuit breaker window and minimum calls must be at least 1, and the failure rate"
                + " in (0, 100]");
      }
    }

    /**
     * Returns the defaults: 5 s timeout, 1 MiB body, 3 attempts with backoff 100 ms then 200 ms, a
     * breaker that opens at 50% failures over 20 attempts (10 at least) for 30 s, and 8 concurrent
     * calls per address.
     */
    public static Settings defaults() {
      return new Settings(
          Duration.ofSeconds(5),
          1024 * 1024,
          3,
          Duration.ofMillis(100),
          2.0,
          20,
          10,
          50f,
          Duration.ofSeconds(30),
          8);
    }

    /** Returns a copy with another per-attempt timeout. */
    public Settings withTimeout(Duration value) {
      return new Settings(
          value,
          maxResponseBytes,
          maxAttempts,
          initialBackoff,
          backoffMultiplier,
          circuitBreakerWindowSize,
          circuitBreakerMinimumCalls,
          circuitBreakerFailureRatePercent,
          circuitBreakerOpenDuration,
          maxConcurrentCalls);
    }

    /** Returns a copy with another response size limit. */
    public Settings withMaxResponseBytes(long value) {
      return new Settings(
          timeout,
          value,
          maxAttempts,
          initialBackoff,
          backoffMultiplier,
          circuitBreakerWindowSize,
          circuitBreakerMinimumCalls,
          circuitBreakerFailureRatePercent,
          circuitBreakerOpenDuration,
          maxConcurrentCalls);
    }

    /** Returns a copy with other retry limits. */
    public Settings withRetry(int attempts, Duration backoff) {
      return new Settings(
          timeout,
          maxResponseBytes,
          attempts,
          backoff,
          backoffMultiplier,
          circuitBreakerWindowSize,
          circuitBreakerMinimumCalls,
          circuitBreakerFailureRatePercent,
          circuitBreakerOpenDuration,
          maxConcurrentCalls);
    }

    /** Returns a copy with another circuit breaker window, minimum and open duration. */
    public Settings withCircuitBreaker(int windowSize, int minimumCalls, Duration openDuration) {
      return new Settings(
          timeout,
          maxResponseBytes,
          maxAttempts,
          initialBackoff,
          backoffMultiplier,
          windowSize,
          minimumCalls,
          circuitBreakerFailureRatePercent,
          openDuration,
          maxConcurrentCalls);
    }

    private static void requirePositive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
      }
    }
  }

  /** Creates a client with its own JDK HttpClient. */
  public PrometheusClient(Clock clock, Settings settings, PrometheusRegistry registry) {
    this(
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build(),
        clock,
        settings,
        registry);
  }

  /** Creates a client that sends requests with {@code http}. */
  public PrometheusClient(
      HttpClient http, Clock clock, Settings settings, PrometheusRegistry registry) {
    this.http = http;
    this.clock = clock;
    this.settings = settings;
    this.bodyHandler = new CappedBodyHandler(settings.maxResponseBytes());
    this.retry = Resilience.retry(settings);
    this.timeLimiter =
        TimeLimiter.of(
            "prometheus",
            TimeLimiterConfig.custom()
                .timeoutDuration(settings.timeout())
                .cancelRunningFuture(true)
                .build());
    this.circuitBreakers = Resilience.circuitBreakers(settings);
    this.bulkheads =
        BulkheadRegistry.of(
            BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
    this.queries =
        Counter.builder()
            .name("rearguard_prometheus_queries_total")
            .help("Prometheus instant queries by result: value, no_data or error.")
            .labelNames("result")
            .register(registry);
    this.durations =
        Histogram.builder()
            .name("rearguard_prometheus_query_duration_seconds")
            .help("Time spent on a Prometheus instant query, retries included.")
            .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30)
            .register(registry);
  }

  /** Runs {@code query} at the clock's current time. */
  public QueryResult query(String address, String query) {
    return query(address, query, clock.instant());
  }

  /** Runs {@code query} evaluated at {@code time} against the Prometheus at {@code address}. */
  public QueryResult query(String address, String query, Instant time) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(time, "time");
    long start = System.nanoTime();
    QueryResult result = execute(address, query, time);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    queries.labelValues(result.kind().name().toLowerCase(Locale.ROOT)).inc();
    durations.observe(elapsed.toNanos() / 1e9);
    LOG.debug(
        "Query to {} returned {} in {} ms: {}",
        address,
        result.kind(),
        elapsed.toMillis(),
        result.message());
    return result.withElapsed(elapsed);
  }

  private QueryResult execute(String address, String query, Instant time) {
    URI uri;
    try {
      uri = PrometheusRequests.queryUri(address, query, time);
    } catch (IllegalArgumentException e) {
      LOG.warn("Query not sent: {}", e.getMessage());
      return QueryResult.error(e.getMessage());
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.timeout())
            .header("Accept", "application/json")
            .GET()
            .build();
    // One breaker and bulkhead per server, so "http://p:9090" and "http://p:9090/" share them.
    String serverKey = address.strip().replaceAll("/+$", "");
    CircuitBreaker breaker = circuitBreakers.circuitBreaker(serverKey);
    Bulkhead bulkhead = bulkheads.bulkhead(serverKey);
    Callable<HttpResponse<byte[]>> call =
        Retry.decorateCallable(
            retry,
            CircuitBreaker.decorateCallable(
                breaker, Bulkhead.decorateCallable(bulkhead, () -> send(request))));
    try {
      HttpResponse<byte[]> response = call.call();
      return PrometheusResponses.parse(response.statusCode(), response.body());
    } catch (Exception e) {
      QueryResult failure = describeFailure(address, e);
      if (e instanceof CallNotPermittedException) {
        // The breaker's state change was already logged at WARN, so a line per query adds nothing.
        LOG.debug("Query to {} rejected: {}", address, failure.message());
      } else {
        LOG.warn("Query to {} failed: {}", address, failure.message());
      }
      return failure;
    }
  }

  /** Sends one attempt. A 5xx response is thrown so that it is retried and counted as a fault. */
  private HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    HttpResponse<byte[]> response =
        timeLimiter.executeFutureSupplier(() -> http.sendAsync(request, bodyHandler));
    int status = response.statusCode();
    if (status >= 500) {
      throw new ServerErrorException(PrometheusResponses.errorText(status, response.body()));
    }
    return response;
  }

  private QueryResult describeFailure(String address, Exception thrown) {
    Throwable cause = PrometheusRequests.unwrap(thrown);
    if (cause instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return QueryResult.error("query to " + address + " was interrupted");
    }
    String message;
    if (cause instanceof CallNotPermittedException) {
      message = "circuit breaker open for " + address;
    } else if (cause instanceof BulkheadFullException) {
      message =
          "too many concurrent queries to "
              + address
              + " (limit "
              + settings.maxConcurrentCalls()
              + ")";
    } else if (cause instanceof ResponseTooLargeException) {
      message =
          "response from "
              + address
              + " exceeds the size limit of "
              + settings.maxResponseBytes()
              + " bytes";
    } else if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
      message =
          "query to "
              + address
              + " timed out: no complete response within the "
              + settings.timeout().toMillis()
              + " ms timeout";
    } else if (cause instanceof ServerErrorException) {
      message = "Prometheus at " + address + " failed: " + cause.getMessage();
    } else if (cause instanceof ConnectException) {
      message =
          "cannot connect to Prometheus at "
              + address
              + " ("
              + describe(cause)
              + "); check the address and that Prometheus is listening";
    } else if (cause instanceof IOException) {
      message = "request to Prometheus at " + address + " failed: " + describe(cause);
    } else {
      message = "query to " + address + " failed: " + describe(cause);
    }
    return QueryResult.error(message);
  }

  private static String describe(Throwable cause) {
    String text = cause.getMessage();
    return text == null || text.isBlank() ? cause.getClass().getSimpleName() : text;
  }
}
