package io.rearguard.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts the stack's Prometheus with {@code e2e/prometheus-ctl}, which keeps its port,
 * config and data folder, so that a test can take Prometheus away in the middle of an analysis.
 */
final class PrometheusControl {
  private static final long TIMEOUT_SECONDS = 90;

  private final E2eStack stack;

  PrometheusControl(E2eStack stack) {
    this.stack = stack;
  }

  /** Stops Prometheus and returns once its process is gone. */
  void stop() throws IOException, InterruptedException {
    run("stop");
  }

  /** Starts Prometheus and returns once it reports ready. Does nothing when it is running. */
  void start() throws IOException, InterruptedException {
    run("start");
  }

  private void run(String action) throws IOException, InterruptedException {
    // The output goes to a file, so that a hanging script cannot block the read past the timeout.
    Path outputFile = Files.createTempFile("prometheus-ctl-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(stack.root().resolve("e2e/prometheus-ctl").toString(), action)
            .redirectErrorStream(true)
            .redirectOutput(outputFile.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("REARGUARD_E2E_STATE", stack.stateDir().toString());
    Process process = builder.start();
    boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(outputFile, StandardCharsets.UTF_8);
    Files.delete(outputFile);
    if (!exited) {
      throw new IllegalStateException(
          "e2e/prometheus-ctl " + action + " timed out after " + TIMEOUT_SECONDS + "s: " + output);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "e2e/prometheus-ctl "
              + action
              + " failed with status "
              + process.exitValue()
              + ": "
              + output.trim());
    }
  }
}
