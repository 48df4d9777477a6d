package io.rearguard.cli;

/** A failure with a message meant for the user: what failed and what to do about it. */
final class CliFailure extends RuntimeException {
  CliFailure(String message) {
    super(message);
  }
}
