package io.rearguard.analysis;

import java.io.IOException;

/** A response body longer than the configured limit. It is not retried. */
final class ResponseTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  ResponseTooLargeException(long limitBytes) {
    super("response body exceeds the size limit of " + limitBytes + " bytes");
  }
}
