package io.rearguard.cli;

import io.rearguard.api.RolloutCommandSpec.Action;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands that create a RolloutCommand and wait for the operator's result. Each needs a
 * reason, which the Rollout's records keep.
 */
final class ActionCommands {
  private ActionCommands() {}

  /** Shared arguments and behaviour of the action commands. */
  abstract static class ActionCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the Rollout.")
    String rollout;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why you issue the command; it is kept in the Rollout's records.")
    String reason;

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        defaultValue = "60s",
        converter = DurationConverter.class,
        description =
            "How long to wait for the operator's result, such as 30s or 2m (default: 60s).")
    Duration timeout;

    abstract Action action();

    @Override
    int run(Session session) throws InterruptedException {
      return new CommandSubmitter(session, out(), err()).submit(rollout, action(), reason, timeout);
    }

    @Override
    String subject(Session session) {
      return "Rollout " + session.namespace() + "/" + rollout;
    }
  }

  @Command(
      name = "promote",
      description = "Skip the rest of the current canary step, or with --full all remaining steps.")
  static final class Promote extends ActionCommand {
    @Option(names = "--full", description = "Skip all remaining steps (promote-full).")
    boolean full;

    @Override
    Action action() {
      return full ? Action.PROMOTE_FULL : Action.PROMOTE;
    }
  }

  @Command(name = "abort", description = "Roll the canary back to the stable revision.")
  static final class Abort extends ActionCommand {
    @Override
    Action action() {
      return Action.ABORT;
    }
  }

  @Command(name = "pause", description = "Hold the canary at its current step.")
  static final class Pause extends ActionCommand {
    @Override
    Action action() {
      return Action.PAUSE;
    }
  }

  @Command(name = "resume", description = "Lift a pause set by a command or an analysis.")
  static final class Resume extends ActionCommand {
    @Override
    Action action() {
      return Action.RESUME;
    }
  }

  @Command(name = "retry", description = "Restart an aborted canary from its first step.")
  static final class Retry extends ActionCommand {
    @Override
    Action action() {
      return Action.RETRY;
    }
  }
}
