package io.rearguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RolloutCommandSpec.Action;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ArgumentsTest {
  private final StringWriter err = new StringWriter();

  private CommandLine cli() {
    CommandLine cli =
        RearguardCli.commandLine(
            options -> {
              throw new CliFailure("no cluster in this test");
            });
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return cli;
  }

  private static <T> T command(CommandLine.ParseResult parsed, Class<T> type) {
    return type.cast(parsed.subcommand().commandSpec().userObject());
  }

  @Test
  void promoteWithFullAsksForPromoteFull() {
    var parsed =
        cli().parseArgs("promote", "checkout", "--full", "--reason", "hotfix", "-n", "shop");
    ActionCommands.Promote promote = command(parsed, ActionCommands.Promote.class);

    assertThat(promote.action()).isEqualTo(Action.PROMOTE_FULL);
    assertThat(promote.rollout).isEqualTo("checkout");
    assertThat(promote.reason).isEqualTo("hotfix");
    assertThat(promote.cluster.namespace).isEqualTo("shop");
  }

  @Test
  void promoteWithoutFullAsksForOneStep() {
    var parsed = cli().parseArgs("promote", "checkout", "--reason", "looks good");

    assertThat(command(parsed, ActionCommands.Promote.class).action()).isEqualTo(Action.PROMOTE);
  }

  @Test
  void eachActionCommandMapsToItsAction() {
    String[][] cases = {
      {"abort", "ABORT"}, {"pause", "PAUSE"}, {"resume", "RESUME"}, {"retry", "RETRY"}
    };
    for (String[] c : cases) {
      var parsed = cli().parseArgs(c[0], "checkout", "--reason", "why");
      ActionCommands.ActionCommand command = command(parsed, ActionCommands.ActionCommand.class);
      assertThat(command.action()).as(c[0]).isEqualTo(Action.valueOf(c[1]));
    }
  }

  @Test
  void kubeconfigAndTimeoutAreParsed() {
    var parsed =
        cli()
            .parseArgs(
                "abort", "checkout", "--reason", "r", "--kubeconfig", "/tmp/k", "--timeout", "2m");
    ActionCommands.Abort abort = command(parsed, ActionCommands.Abort.class);

    assertThat(abort.cluster.kubeconfig).isEqualTo(Path.of("/tmp/k"));
    assertThat(abort.timeout).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void defaultTimeoutIsOneMinute() {
    var parsed = cli().parseArgs("abort", "checkout", "--reason", "r");

    assertThat(command(parsed, ActionCommands.Abort.class).timeout)
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void actionWithoutReasonIsUsageError() {
    int exit = cli().execute("abort", "checkout");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--reason=TEXT'");
  }

  @Test
  void actionWithoutNameIsUsageError() {
    int exit = cli().execute("pause", "--reason", "r");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("NAME");
  }

  @Test
  void malformedTimeoutIsUsageErrorNamingTheValue() {
    int exit = cli().execute("abort", "checkout", "--reason", "r", "--timeout", "5 minutes");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("5 minutes").contains("30s");
  }

  @Test
  void zeroTimeoutIsRejected() {
    int exit = cli().execute("abort", "checkout", "--reason", "r", "--timeout", "0s");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("longer than 0s");
  }

  @Test
  void statusTakesWatchAndInterval() {
    var parsed = cli().parseArgs("status", "checkout", "--watch", "--interval", "5s");
    StatusCommand status = command(parsed, StatusCommand.class);

    assertThat(status.watch).isTrue();
    assertThat(status.interval).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void unknownCommandIsUsageError() {
    int exit = cli().execute("rollback", "checkout");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("rollback");
  }

  @Test
  void connectionFailureExitsOneWithMessage() {
    int exit = cli().execute("verify", "checkout");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).contains("cannot connect to the cluster: no cluster in this test");
  }

  @Test
  void missingCommandIsUsageError() {
    int exit = cli().execute();

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("a command is missing");
  }
}
