package io.rearguard.reconcile;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rearguard.act.Actuator;
import io.rearguard.analysis.PrometheusClient;
import io.rearguard.analysis.PrometheusMetricProvider;
import io.rearguard.analysis.ThresholdEvaluator;
import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.CanaryStrategy;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.PauseStep;
import io.rearguard.api.PrometheusQuery;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStrategy;
import io.rearguard.api.Threshold;
import io.rearguard.evidence.TransitionRecorder;
import io.rearguard.observe.PrometheusReadings;
import io.rearguard.observe.RolloutObserver;
import io.rearguard.observe.SignalObserver;
import io.rearguard.testkit.FakePrometheus;
import io.rearguard.testkit.MutableClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives the real pass (observer, decider, actuator, recorder) against the fabric8 mock API server
 * in a loop, with a controllable clock and a fake Prometheus. It stands in for the ReplicaSet
 * controller by marking requested pods ready, except for revisions told to stay unready.
 */
final class ScenarioHarness {
  static final String NAMESPACE = "shop";
  static final String NAME = "checkout";

  final KubernetesClient client;
  final MutableClock clock = new MutableClock();
  final FakePrometheus prometheus;
  final RolloutPass pass;
  final Set<String> neverReadyImages = new HashSet<>();

  ScenarioHarness(KubernetesClient client, FakePrometheus prometheus) {
    this.client = client;
    this.prometheus = prometheus;
    PrometheusRegistry registry = new PrometheusRegistry();
    var settings =
        PrometheusClient.Settings.defaults()
            .withTimeout(Duration.ofSeconds(2))
            .withRetry(1, Duration.ofMillis(10));
    var prometheusClient = new PrometheusClient(clock, settings, registry);
    var provider = new PrometheusMetricProvider(prometheusClient, new ThresholdEvaluator(), clock);
    this.pass =
        new RolloutPass(
            new RolloutObserver(
                provider,
                new SignalObserver(new PrometheusReadings(prometheusClient), clock),
                clock),
            new Actuator(client),
            new TransitionRecorder(client, clock, registry),
            clock);
  }

  /** Returns a Rollout with three replicas, steps 50% then an analysis, then a pause. */
  Rollout rollout(String image) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NAMESPACE).build());
    RolloutSpec spec = new RolloutSpec();
    spec.replicas = 4;
    spec.selector = new LabelSelectorBuilder().withMatchLabels(Map.of("app", NAME)).build();
    spec.template =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .withLabels(Map.of("app", NAME))
            .endMetadata()
            .withNewSpec()
            .withContainers(new ContainerBuilder().withName("app").withImage(image).build())
            .endSpec()
            .build();
    spec.strategy = new RolloutStrategy();
    spec.strategy.canary = new CanaryStrategy();
    spec.strategy.canary.steps = List.of(weight(25), analysisStep(), weight(50), pause("30s"));
    rollout.setSpec(spec);
    return rollout;
  }

  static CanaryStep weight(int weight) {
    CanaryStep step = new CanaryStep();
    step.setWeight = weight;
    return step;
  }

  static CanaryStep pause(String duration) {
    CanaryStep step = new CanaryStep();
    step.pause = new PauseStep();
    step.pause.duration = duration;
    return step;
  }

  CanaryStep analysisStep() {
    CanaryStep step = new CanaryStep();
    step.analysis = new AnalysisSpec();
    MetricSpec metric = new MetricSpec();
    metric.name = "error-ratio";
    metric.prometheus = new PrometheusQuery();
    metric.prometheus.address = prometheus.address();
    metric.prometheus.query = "error_ratio{revision=\"{{canaryRevision}}\"}";
    metric.interval = "10s";
    metric.count = 3;
    metric.threshold = new Threshold();
    metric.threshold.max = 0.05;
    step.analysis.metrics = List.of(metric);
    return step;
  }

  Rollout create(Rollout rollout) {
    return client.resource(rollout).create();
  }

  Rollout current() {
    return client.resources(Rollout.class).inNamespace(NAMESPACE).withName(NAME).get();
  }

  void updateImage(String image) {
    Rollout rollout = current();
    rollout.getSpec().template.getSpec().getContainers().get(0).setImage(image);
    client.resource(rollout).update();
  }

  RolloutCommand command(String name, RolloutCommandSpec.Action action, String reason) {
    RolloutCommand command = new RolloutCommand();
    command.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    RolloutCommandSpec spec = new RolloutCommandSpec();
    spec.rollout = NAME;
    spec.action = action;
    spec.reason = reason;
    spec.requestedBy = "oncall-alice";
    command.setSpec(spec);
    return client.resource(command).create();
  }

  RolloutCommand commandNamed(String name) {
    return client.resources(RolloutCommand.class).inNamespace(NAMESPACE).withName(name).get();
  }

  List<ReplicaSet> replicaSets() {
    return client.apps().replicaSets().inNamespace(NAMESPACE).list().getItems();
  }

  /** Runs one pass, then lets the stand-in ReplicaSet controller mark pods ready. */
  Duration step() {
    Rollout rollout = current();
    Duration requeue =
        pass.run(
            rollout,
            replicaSets(),
            client.resources(RolloutCommand.class).inNamespace(NAMESPACE).list().getItems(),
            (original, desired) -> client.resource(desired).updateStatus());
    markPodsReady();
    return requeue;
  }

  /** Runs passes, moving the clock by each requested delay (at least one second). */
  void run(int passes) {
    for (int i = 0; i < passes; i++) {
      Duration requeue = step();
      clock.advance(requeue.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : requeue);
    }
  }

  static String imageOf(ReplicaSet replicaSet) {
    return replicaSet.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private void markPodsReady() {
    for (ReplicaSet replicaSet : replicaSets()) {
      String image = imageOf(replicaSet);
      int ready = neverReadyImages.contains(image) ? 0 : replicaSet.getSpec().getReplicas();
      Integer current =
          replicaSet.getStatus() == null ? null : replicaSet.getStatus().getReadyReplicas();
      if (current != null && current == ready) {
        continue;
      }
      replicaSet.setStatus(
          new ReplicaSetStatusBuilder()
              .withReplicas(replicaSet.getSpec().getReplicas())
              .withReadyReplicas(ready)
              .build());
      client.resource(replicaSet).updateStatus();
    }
  }
}
