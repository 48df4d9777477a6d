package io.rearguard.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** kubectl-rearguard: watch a Rollout, issue RolloutCommands, read and verify its records. */
@Command(
    name = "kubectl-rearguard",
    mixinStandardHelpOptions = true,
    version = "kubectl-rearguard 0.1.0",
    description =
        "Watch Rearguard Rollouts, issue commands, read and verify their records, and test"
            + " policies.",
    subcommands = {
      StatusCommand.class,
      ActionCommands.Promote.class,
      ActionCommands.Abort.class,
      ActionCommands.Pause.class,
      ActionCommands.Resume.class,
      ActionCommands.Retry.class,
      HistoryCommand.class,
      VerifyCommand.class,
      PolicyCommand.class,
      HelpCommand.class
    })
public final class RearguardCli implements Runnable {
  /** Exit status of a command that ran but failed: rejected, tampered, not found, forbidden. */
  static final int FAILED = 1;

  /** Opens a connection to the cluster; tests replace it. */
  interface Connector {
    Session connect(ClusterOptions options);
  }

  private final Connector connector;

  @Spec CommandSpec spec;

  RearguardCli(Connector connector) {
    this.connector = connector;
  }

  Session connect(ClusterOptions options) {
    return connector.connect(options);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is missing; see kubectl rearguard --help");
  }

  /** Runs the plugin and exits with its status. */
  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "rearguard-cli-logback.xml");
    }
    System.exit(commandLine(RearguardCli::connectWithKubeconfig).execute(args));
  }

  /** Builds the command line with a connector, for main and for tests. */
  static CommandLine commandLine(Connector connector) {
    return new CommandLine(new RearguardCli(connector)).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /**
   * Connects with --kubeconfig, or else KUBECONFIG or ~/.kube/config as kubectl does. The namespace
   * is -n, or else the current context's namespace, or else "default".
   */
  static Session connectWithKubeconfig(ClusterOptions options) {
    Config config;
    if (options.kubeconfig != null) {
      Path path = options.kubeconfig;
      if (!Files.isReadable(path)) {
        throw new CliFailure("kubeconfig " + path + " does not exist or cannot be read");
      }
      config = Config.fromKubeconfig(path.toFile());
    } else {
      config = Config.autoConfigure(null);
    }
    String namespace = options.namespace;
    if (namespace == null) {
      namespace = config.getNamespace() == null ? "default" : config.getNamespace();
    }
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    return new Session(client, namespace, config.getMasterUrl());
  }
}
