package io.rearguard.analysis;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the resilience4j Retry and CircuitBreaker used by {@link PrometheusClient}. */
final class Resilience {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusClient.class);

  private Resilience() {}

  /**
   * Returns whether a failed attempt points to an unhealthy server or network: a connection error,
   * a timeout or an HTTP 5xx. Only these are retried and counted by the circuit breaker. An
   * oversized body is not, because a retry would return the same body.
   */
  static boolean isServerFault(Throwable thrown) {
    Throwable cause = PrometheusRequests.unwrap(thrown);
    if (cause instanceof ResponseTooLargeException) {
      return false;
    }
    return cause instanceof IOException
        || cause instanceof TimeoutException
        || cause instanceof ServerErrorException;
  }

  static Retry retry(PrometheusClient.Settings settings) {
    RetryConfig config =
        RetryConfig.custom()
            .maxAttempts(settings.maxAttempts())
            .intervalFunction(
                IntervalFunction.ofExponentialBackoff(
                    settings.initialBackoff(), settings.backoffMultiplier()))
            .retryOnException(Resilience::isServerFault)
            .build();
    Retry retry = Retry.of("prometheus", config);
    retry
        .getEventPublisher()
        .onRetry(
            event ->
                LOG.debug(
                    "Retrying Prometheus query, attempt {} in {} ms after: {}",
                    event.getNumberOfRetryAttempts() + 1,
                    event.getWaitInterval().toMillis(),
                    String.valueOf(event.getLastThrowable())));
    return retry;
  }

  /** Returns a registry that creates one count-based circuit breaker per Prometheus address. */
  static CircuitBreakerRegistry circuitBreakers(PrometheusClient.Settings settings) {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(settings.circuitBreakerWindowSize())
            .minimumNumberOfCalls(settings.circuitBreakerMinimumCalls())
            .failureRateThreshold(settings.circuitBreakerFailureRatePercent())
            .waitDurationInOpenState(settings.circuitBreakerOpenDuration())
            .permittedNumberOfCallsInHalfOpenState(1)
            .recordException(Resilience::isServerFault)
            .ignoreExceptions(BulkheadFullException.class)
            .build();
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
    registry.getEventPublisher().onEntryAdded(event -> logTransitions(event.getAddedEntry()));
    return registry;
  }

  private static void logTransitions(CircuitBreaker breaker) {
    breaker
        .getEventPublisher()
        .onStateTransition(
            event ->
                LOG.warn(
                    "Circuit breaker for Prometheus at {} changed state: {}",
                    breaker.getName(),
                    event.getStateTransition()));
  }
}
