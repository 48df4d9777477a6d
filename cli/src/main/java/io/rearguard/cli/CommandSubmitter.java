package io.rearguard.cli;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutCommandSpec.Action;
import io.rearguard.api.RolloutCommandStatus;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;

/**
 * Creates a RolloutCommand in the name of the current user and waits until the operator marks it
 * Accepted or Rejected.
 */
final class CommandSubmitter {
  private static final Duration POLL = Duration.ofMillis(300);

  private final Session session;
  private final PrintWriter out;
  private final PrintWriter err;

  CommandSubmitter(Session session, PrintWriter out, PrintWriter err) {
    this.session = session;
    this.out = out;
    this.err = err;
  }

  /** Creates the command, waits for its result, prints it, and returns the exit status. */
  int submit(String rollout, Action action, String reason, Duration timeout)
      throws InterruptedException {
    String namespace = session.namespace();
    Rollout target =
        session.client().resources(Rollout.class).inNamespace(namespace).withName(rollout).get();
    if (target == null) {
      throw new CliFailure(
          "Rollout "
              + namespace
              + "/"
              + rollout
              + " not found; check the name and the namespace (-n), or list them with kubectl get"
              + " rollouts -n "
              + namespace);
    }
    String user = currentUser();
    RolloutCommand created =
        session.client().resource(command(namespace, rollout, action, reason, user)).create();
    String name = created.getMetadata().getName();
    out.println(
        "RolloutCommand "
            + namespace
            + "/"
            + name
            + " ("
            + action.wireName()
            + ") created as "
            + user
            + "; waiting for the operator...");
    out.flush();
    RolloutCommandStatus status = await(namespace, name, timeout);
    if (status == null) {
      err.println(
          "error: timed out after "
              + timeout.toSeconds()
              + "s waiting for the operator's result; RolloutCommand "
              + namespace
              + "/"
              + name
              + " is still pending. Check that the operator runs, then kubectl get"
              + " rolloutcommand "
              + name
              + " -n "
              + namespace);
      return RearguardCli.FAILED;
    }
    return report(status);
  }

  static RolloutCommand command(
      String namespace, String rollout, Action action, String reason, String user) {
    RolloutCommand command = new RolloutCommand();
    command.setMetadata(
        new ObjectMetaBuilder()
            .withGenerateName(rollout + "-" + action.wireName() + "-")
            .withNamespace(namespace)
            .build());
    RolloutCommandSpec spec = new RolloutCommandSpec();
    spec.rollout = rollout;
    spec.action = action;
    spec.reason = reason;
    spec.requestedBy = user;
    command.setSpec(spec);
    return command;
  }

  /**
   * Returns the user name that the API server authenticates the credentials as (SelfSubjectReview).
   */
  String currentUser() {
    try {
      SelfSubjectReview review =
          session
              .client()
              .authentication()
              .v1()
              .selfSubjectReviews()
              .create(new SelfSubjectReview());
      if (review.getStatus() == null
          || review.getStatus().getUserInfo() == null
          || review.getStatus().getUserInfo().getUsername() == null) {
        throw new CliFailure("the API server returned a SelfSubjectReview without a user name");
      }
      return review.getStatus().getUserInfo().getUsername();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        throw new CliFailure(
            "cannot find out who you are: the API server does not serve SelfSubjectReview"
                + " (authentication.k8s.io/v1, Kubernetes 1.28 or newer)");
      }
      throw e;
    }
  }

  private RolloutCommandStatus await(String namespace, String name, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      RolloutCommand command =
          session
              .client()
              .resources(RolloutCommand.class)
              .inNamespace(namespace)
              .withName(name)
              .get();
      if (command != null && command.getStatus() != null && command.getStatus().phase != null) {
        return command.getStatus();
      }
      if (!Instant.now().isBefore(deadline)) {
        return null;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private int report(RolloutCommandStatus status) {
    if (status.phase == RolloutCommandStatus.Phase.Accepted) {
      out.println("Accepted: " + status.message);
      return 0;
    }
    err.println("Rejected: " + status.message);
    if (status.rolloutState != null) {
      err.println("The command is not valid in the Rollout's state: " + status.rolloutState + ".");
    }
    return RearguardCli.FAILED;
  }
}
