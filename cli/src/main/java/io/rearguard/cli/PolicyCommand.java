package io.rearguard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Groups the commands about RolloutPolicies and ClusterRolloutPolicies. */
@Command(
    name = "policy",
    description = "Work with RolloutPolicies and ClusterRolloutPolicies.",
    subcommands = {PolicyTestCommand.class, HelpCommand.class})
final class PolicyCommand implements Runnable {
  @ParentCommand RearguardCli root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a policy command is missing; see kubectl rearguard policy --help");
  }
}
