package io.rearguard.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the kubectl built for the local stack (e2e/kubectl), as an on-call engineer would. */
public final class Kubectl {
  private final E2eStack stack;

  public Kubectl(E2eStack stack) {
    this.stack = stack;
  }

  /** Result of one kubectl run. */
  public record Result(int exitCode, String output) {}

  /** Runs kubectl with a manifest on standard input, for example {@code apply -f -}. */
  public Result run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(stack.root().resolve("e2e/kubectl").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("REARGUARD_E2E_STATE", stack.stateDir().toString());
    Process process = builder.start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " timed out");
    }
    return new Result(process.exitValue(), output.trim());
  }

  /** Applies a manifest and fails with kubectl's output when it is rejected. */
  public String apply(String manifest) throws IOException, InterruptedException {
    Result result = run(manifest, "apply", "-f", "-");
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kubectl apply failed: " + result.output());
    }
    return result.output();
  }
}
