package io.rearguard.simulator;

/** Control request that the simulator rejects with status 400. The message gives the reason. */
public final class InvalidRequestException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message meant for the client. */
  public InvalidRequestException(String message) {
    super(message);
  }
}
