package io.rearguard.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the kubectl built for the local stack (e2e/kubectl), as an on-call engineer would. */
public final class Kubectl {
  private static final Pattern COMMAND_KIND =
      Pattern.compile("^kind:\\s*RolloutCommand\\s*$", Pattern.MULTILINE);
  private static final Pattern REQUESTED_BY =
      Pattern.compile("^\\s+requestedBy:\\s*\"?([A-Za-z0-9:._@-]+)\"?\\s*$", Pattern.MULTILINE);

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

  /**
   * Applies a manifest and fails with kubectl's output when it is rejected. A RolloutCommand is
   * applied as the user its spec.requestedBy names, as that user would apply it, because an
   * admission policy (manifests/admission.yaml) rejects a command whose requestedBy is not the
   * applying user. Everything else, and a command whose requester has no kubeconfig in the stack,
   * is applied as admin.
   */
  public String apply(String manifest) throws IOException, InterruptedException {
    String requester = commandRequester(manifest);
    if (requester != null && !Files.isReadable(stack.kubeconfigFor(requester))) {
      requester = null;
    }
    return applyAs(requester, manifest);
  }

  /**
   * Applies a manifest as one of the stack's token users (admin, oncall-alice, dev-bob), or as the
   * admin of the client certificate when {@code user} is null.
   */
  public String applyAs(String user, String manifest) throws IOException, InterruptedException {
    Result result = runAs(user, manifest, "apply", "-f", "-");
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "kubectl apply as " + (user == null ? "admin" : user) + " failed: " + result.output());
    }
    return result.output();
  }

  /** Runs kubectl as one of the stack's token users, or as admin when {@code user} is null. */
  public Result runAs(String user, String stdin, String... args)
      throws IOException, InterruptedException {
    if (user == null) {
      return run(stdin, args);
    }
    List<String> withUser = new ArrayList<>();
    withUser.add("--kubeconfig=" + stack.kubeconfigFor(user));
    withUser.addAll(List.of(args));
    return run(stdin, withUser.toArray(String[]::new));
  }

  /** Returns spec.requestedBy of a single RolloutCommand manifest, or null for anything else. */
  static String commandRequester(String manifest) {
    Matcher kind = COMMAND_KIND.matcher(manifest);
    Matcher requester = REQUESTED_BY.matcher(manifest);
    if (!kind.find() || !requester.find() || manifest.contains("\n---")) {
      return null;
    }
    return requester.group(1);
  }
}
