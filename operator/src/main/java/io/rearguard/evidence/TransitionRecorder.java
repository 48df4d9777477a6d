package io.rearguard.evidence;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Reasons;
import io.rearguard.decide.Transition;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Reports each transition once in every channel: a Kubernetes Event, an INFO log line with the
 * resource identity in the MDC, and a counter labelled by reason.
 */
public class TransitionRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(TransitionRecorder.class);
  private static final int MAX_EVENT_MESSAGE = 1024;
  private static final String COMPONENT = "rearguard-operator";

  private final KubernetesClient client;
  private final Clock clock;
  private final Counter transitions;
  private final Histogram timeToRollback;
  private final Counter freezeOverrides;

  public TransitionRecorder(KubernetesClient client, Clock clock, PrometheusRegistry registry) {
    this.client = client;
    this.clock = clock;
    this.transitions =
        Counter.builder()
            .name("rearguard_rollout_transitions_total")
            .help("Rollout transitions reported, by reason and Event type")
            .labelNames("reason", "type")
            .register(registry);
    this.timeToRollback =
        Histogram.builder()
            .name("rearguard_rollback_duration_seconds")
            .help(
                "Time from an abort until the stable revision is at full capacity and the canary"
                    + " has no ready pods")
            .classicUpperBounds(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)
            .register(registry);
    this.freezeOverrides =
        Counter.builder()
            .name("rearguard_release_freeze_overrides_total")
            .help("Canaries let through a release freeze by an override")
            .register(registry);
  }

  /** Reports the transitions of one decision. */
  public void record(Rollout rollout, RolloutStatus status, List<Transition> list) {
    for (Transition transition : list) {
      String type = transition.warning() ? "Warning" : "Normal";
      try (var ignored = MDC.putCloseable("reason", transition.reason());
          var alsoIgnored = MDC.putCloseable("actor", transition.actor())) {
        if (status.step != null) {
          MDC.put("step", status.step);
        }
        LOG.info("{}", transition.message());
        MDC.remove("step");
      }
      transitions.labelValues(transition.reason(), type).inc();
      countSpecial(transition, status);
      emitEvent(rollout, transition, type);
    }
  }

  private void countSpecial(Transition transition, RolloutStatus status) {
    if (Reasons.ROLLBACK_COMPLETED.equals(transition.reason())
        && status.abort != null
        && status.abort.rollbackSeconds != null) {
      timeToRollback.observe(status.abort.rollbackSeconds);
    } else if (Reasons.FREEZE_OVERRIDDEN.equals(transition.reason())) {
      freezeOverrides.inc();
    }
  }

  private void emitEvent(Rollout rollout, Transition transition, String type) {
    String now = clock.instant().toString();
    String message = transition.message();
    if (message.length() > MAX_EVENT_MESSAGE) {
      message = message.substring(0, MAX_EVENT_MESSAGE - 3) + "...";
    }
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(rollout.getMetadata().getName() + "." + UUID.randomUUID())
            .withNamespace(rollout.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(rollout.getApiVersion())
                    .withKind(rollout.getKind())
                    .withName(rollout.getMetadata().getName())
                    .withNamespace(rollout.getMetadata().getNamespace())
                    .withUid(rollout.getMetadata().getUid())
                    .withResourceVersion(rollout.getMetadata().getResourceVersion())
                    .build())
            .withReason(transition.reason())
            .withMessage(message)
            .withType(type)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(System.getenv().getOrDefault("HOSTNAME", "local"))
            .build();
    try {
      client
          .v1()
          .events()
          .inNamespace(rollout.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      // Events are best effort: the status, the log line and the counter already carry it.
      LOG.warn("could not create Event {}: {}", transition.reason(), e.getMessage());
    }
  }
}
