package io.rearguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The action commands against the fabric8 mock API server, with a stand-in operator. */
@EnableKubernetesMockClient(crud = true)
class CommandFlowTest {
  private static final String NAMESPACE = "shop";

  KubernetesClient client;
  KubernetesMockServer server;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() {
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/selfsubjectreviews")
        .andReturn(
            201,
            new SelfSubjectReviewBuilder()
                .withNewStatus()
                .withNewUserInfo()
                .withUsername("oncall-alice")
                .endUserInfo()
                .endStatus()
                .build())
        .always();
  }

  private void createRollout() {
    Rollout rollout = new Rollout();
    rollout.setMetadata(
        new ObjectMetaBuilder().withName("checkout").withNamespace(NAMESPACE).build());
    client.resource(rollout).create();
  }

  private int run(String... args) {
    CommandLine cli =
        RearguardCli.commandLine(
            options -> new Session(server.createClient(), NAMESPACE, "https://mock"));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  /** Sets the result of the first command that appears, as the operator would. */
  private CompletableFuture<RolloutCommand> answerFirstCommand(
      RolloutCommandStatus.Phase phase, String message) {
    return CompletableFuture.supplyAsync(
        () -> {
          for (int i = 0; i < 100; i++) {
            var commands =
                client.resources(RolloutCommand.class).inNamespace(NAMESPACE).list().getItems();
            if (!commands.isEmpty()) {
              RolloutCommand command = commands.get(0);
              command.setStatus(new RolloutCommandStatus());
              command.getStatus().phase = phase;
              command.getStatus().message = message;
              command.getStatus().rolloutState = "Healthy at step null";
              client.resource(command).updateStatus();
              return command;
            }
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return null;
            }
          }
          return null;
        });
  }

  @Test
  void acceptedCommandPrintsResultAndExitsZero() throws Exception {
    createRollout();
    var operator = answerFirstCommand(RolloutCommandStatus.Phase.Accepted, "step 2/4 skipped");

    int exit = run("promote", "checkout", "--reason", "dashboards look normal");

    RolloutCommand command = operator.get(10, TimeUnit.SECONDS);
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("(promote) created as oncall-alice")
        .contains("Accepted: step 2/4 skipped");
    assertThat(command.getMetadata().getName()).startsWith("checkout-promote-");
    assertThat(command.getSpec().requestedBy).isEqualTo("oncall-alice");
    assertThat(command.getSpec().reason).isEqualTo("dashboards look normal");
    assertThat(command.getSpec().action).isEqualTo(RolloutCommandSpec.Action.PROMOTE);
  }

  @Test
  void rejectedCommandPrintsReasonAndExitsOne() throws Exception {
    createRollout();
    var operator =
        answerFirstCommand(
            RolloutCommandStatus.Phase.Rejected, "nothing to abort: no canary is in progress");

    int exit = run("abort", "checkout", "--reason", "pager alert");

    operator.get(10, TimeUnit.SECONDS);
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("Rejected: nothing to abort: no canary is in progress")
        .contains("not valid in the Rollout's state: Healthy");
  }

  @Test
  void missingRolloutIsNotFoundAndCreatesNothing() {
    int exit = run("abort", "nothing-here", "--reason", "pager alert");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("Rollout shop/nothing-here not found")
        .contains("namespace (-n)");
    assertThat(client.resources(RolloutCommand.class).inNamespace(NAMESPACE).list().getItems())
        .isEmpty();
  }

  @Test
  void forbiddenCreateSaysNotPermitted() {
    createRollout();
    server
        .expect()
        .post()
        .withPath("/apis/rearguard.io/v1alpha1/namespaces/shop/rolloutcommands")
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "rolloutcommands.rearguard.io is forbidden: User \"dev-bob\" cannot create"
                        + " resource \"rolloutcommands\"")
                .build())
        .once();

    int exit = run("pause", "checkout", "--reason", "holding");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "error: not permitted: rolloutcommands.rearguard.io is forbidden: User \"dev-bob\"")
        .contains("rearguard-oncall");
  }

  @Test
  void unansweredCommandTimesOutWithHint() {
    createRollout();

    int exit = run("resume", "checkout", "--reason", "go on", "--timeout", "1s");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("timed out after 1s waiting for the operator's result")
        .contains("still pending")
        .contains("kubectl get rolloutcommand checkout-resume-");
  }
}
