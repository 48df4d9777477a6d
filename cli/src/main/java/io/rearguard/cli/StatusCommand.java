package io.rearguard.cli;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rearguard.api.Rollout;
import io.rearguard.observe.RolloutObserver;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    description =
        "Show a Rollout: phase, step, weights, stable and canary pods, each metric's last value"
            + " against its threshold, and the last decision.")
final class StatusCommand extends ClusterCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "Name of the Rollout.")
  String rollout;

  @Option(
      names = {"-w", "--watch"},
      description = "Keep watching and print the view again whenever it changes (Ctrl-C stops).")
  boolean watch;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "Time between two reads with --watch (default: 2s).")
  Duration interval;

  @Override
  int run(Session session) throws InterruptedException {
    String previous = null;
    do {
      String view = view(session);
      if (!view.equals(previous)) {
        if (watch) {
          out().println("--- " + Instant.now());
        }
        out().print(view);
        out().flush();
        previous = view;
      }
      if (watch) {
        Thread.sleep(interval.toMillis());
      }
    } while (watch);
    return 0;
  }

  private String view(Session session) {
    Rollout found =
        session
            .client()
            .resources(Rollout.class)
            .inNamespace(session.namespace())
            .withName(rollout)
            .get();
    if (found == null) {
      throw new CliFailure(subject(session) + " not found; check the name and the namespace (-n)");
    }
    List<ReplicaSet> replicaSets;
    String note = "";
    try {
      replicaSets =
          session
              .client()
              .apps()
              .replicaSets()
              .inNamespace(session.namespace())
              .withLabel(RolloutObserver.ROLLOUT_LABEL, rollout)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      replicaSets = List.of();
      note =
          "Note:     you may not list ReplicaSets here, so images and desired pods are missing\n";
    }
    return StatusView.render(found, replicaSets) + note;
  }

  @Override
  String subject(Session session) {
    return "Rollout " + session.namespace() + "/" + rollout;
  }
}
