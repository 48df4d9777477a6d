package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads RolloutRecords, connects as the stack's token users, and runs the kubectl plugin. */
final class RecordFixtures {
  private RecordFixtures() {}

  /** Connects as one of the stack's token users: admin, oncall-alice or dev-bob. */
  static KubernetesClient connectAs(E2eStack stack, String user) {
    Config config = Config.fromKubeconfig(stack.kubeconfigFor(user).toFile());
    config.setRequestTimeout((int) Duration.ofSeconds(30).toMillis());
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Returns a Rollout's records, by sequence. */
  static List<RolloutRecord> records(KubernetesClient client, String namespace, String rollout) {
    return client
        .resources(RolloutRecord.class)
        .inNamespace(namespace)
        .withLabel(RolloutRecord.ROLLOUT_LABEL, rollout)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparingLong(r -> r.getSpec().sequence))
        .toList();
  }

  /** Waits until every record decided so far is stored and has left the pending list. */
  static Rollout awaitRecordsStored(OperatorStack env, String namespace, String rollout) {
    return env.awaitRollout(
        namespace,
        rollout,
        Duration.ofSeconds(30),
        "records of " + rollout + " stored",
        r ->
            r.getStatus().history != null
                && r.getStatus().history.lastSequence > 0
                && r.getStatus().history.pending.isEmpty());
  }

  /** Returns the reasons of the Events about a Rollout, sorted. */
  static List<String> eventReasons(KubernetesClient client, String namespace, String rollout) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> rollout.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Rollout".equals(e.getInvolvedObject().getKind()))
        .map(Event::getReason)
        .sorted()
        .toList();
  }

  /**
   * Result of one plugin run.
   *
   * @param exitCode the process's exit status
   * @param stdout standard output
   * @param stderr standard error
   */
  record PluginResult(int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }
  }

  /** Runs cli/kubectl-rearguard as a user, with that user's kubeconfig, in a namespace. */
  static PluginResult plugin(E2eStack stack, String user, String namespace, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(stack.root().resolve("cli/kubectl-rearguard").toString());
    command.addAll(List.of(args));
    command.add("--kubeconfig=" + stack.kubeconfigFor(user));
    command.add("--namespace=" + namespace);
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    var stdout = process.getInputStream();
    var stderr = process.getErrorStream();
    var errText = new java.util.concurrent.CompletableFuture<String>();
    Thread reader =
        new Thread(
            () -> {
              try {
                errText.complete(new String(stderr.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                errText.completeExceptionally(e);
              }
            });
    reader.start();
    String out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl-rearguard " + String.join(" ", args) + " timed out");
    }
    reader.join();
    return new PluginResult(process.exitValue(), out, errText.join());
  }
}
