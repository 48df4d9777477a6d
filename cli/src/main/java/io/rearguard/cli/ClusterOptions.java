package io.rearguard.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that talks to the cluster takes, named as in kubectl. */
final class ClusterOptions {
  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NAMESPACE",
      description = "Namespace of the Rollout (default: the kubeconfig context's, else default).")
  String namespace;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file to use (default: KUBECONFIG, else ~/.kube/config).")
  Path kubeconfig;
}
