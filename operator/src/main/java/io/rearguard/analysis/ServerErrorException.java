package io.rearguard.analysis;

/** An HTTP 5xx response from Prometheus, thrown so that Retry and CircuitBreaker see a failure. */
final class ServerErrorException extends Exception {
  private static final long serialVersionUID = 1L;

  ServerErrorException(String message) {
    super(message, null, false, false);
  }
}
