package io.rearguard.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Restarts the stack's kube-apiserver with {@code e2e/apiserver-ctl}, which starts the same command
 * line again, so that a test can drop every client connection and watch while etcd keeps the data.
 */
final class ApiserverControl {
  private static final long TIMEOUT_SECONDS = 180;

  /** Seconds between SIGTERM and SIGKILL; the apiserver's graceful stop can take longer. */
  private static final String STOP_GRACE_SECONDS = "3";

  private final E2eStack stack;

  ApiserverControl(E2eStack stack) {
    this.stack = stack;
  }

  /** Stops the apiserver and returns once the new process reports ready. */
  void restart() throws IOException, InterruptedException {
    // The output goes to a file, so that a hanging script cannot block the read past the timeout.
    Path outputFile = Files.createTempFile("apiserver-ctl-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(stack.root().resolve("e2e/apiserver-ctl").toString(), "restart")
            .redirectErrorStream(true)
            .redirectOutput(outputFile.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("REARGUARD_E2E_STATE", stack.stateDir().toString());
    builder.environment().put("REARGUARD_STOP_GRACE_SECONDS", STOP_GRACE_SECONDS);
    Process process = builder.start();
    boolean exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(outputFile, StandardCharsets.UTF_8);
    Files.delete(outputFile);
    if (!exited) {
      throw new IllegalStateException(
          "e2e/apiserver-ctl restart timed out after " + TIMEOUT_SECONDS + "s: " + output);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          "e2e/apiserver-ctl restart failed with status "
              + process.exitValue()
              + ": "
              + output.trim());
    }
  }
}
