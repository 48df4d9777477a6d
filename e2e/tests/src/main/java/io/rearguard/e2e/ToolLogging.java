package io.rearguard.e2e;

import java.nio.file.Path;

/**
 * Logging setup of the demo and benchmark mains: library logs go to a file under the stack's log
 * folder, so that standard output carries only what the program prints itself.
 */
public final class ToolLogging {
  private static final String CONFIG = "rearguard-e2e-tools-logback.xml";

  private ToolLogging() {}

  /**
   * Sends logback's output to {@code <log folder>/<name>.log}, unless the caller already chose a
   * logback configuration. Call it before anything creates a logger.
   *
   * @return the log file
   */
  public static Path toFile(E2eStack stack, String name) {
    Path file = stack.logDir().resolve(name + ".log");
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", CONFIG);
      System.setProperty("rearguard.e2e.log", file.toString());
    }
    return file;
  }
}
