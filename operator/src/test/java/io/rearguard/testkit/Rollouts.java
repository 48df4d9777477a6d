package io.rearguard.testkit;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.rearguard.api.AnalysisSpec;
import io.rearguard.api.CanaryStep;
import io.rearguard.api.CanaryStrategy;
import io.rearguard.api.FreezeOverride;
import io.rearguard.api.InvariantSpec;
import io.rearguard.api.MetricSpec;
import io.rearguard.api.PauseStep;
import io.rearguard.api.PrometheusQuery;
import io.rearguard.api.RehearsalSpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.RolloutStrategy;
import io.rearguard.api.SloSpec;
import io.rearguard.api.Threshold;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds Rollouts for decider tests: selector app=demo, a template with the same label and one
 * container, and canary steps written with {@link #setWeight}, {@link #pause} and {@link
 * #analysis}.
 */
public final class Rollouts {
  public static final String NAME = "demo";
  public static final String NAMESPACE = "shop";
  public static final String PROMETHEUS = "http://127.0.0.1:9090";

  private Rollouts() {}

  /** Returns a builder whose defaults are 10 replicas and the steps 20%, pause 30s, 50%. */
  public static Builder rollout() {
    return new Builder();
  }

  /** Returns a step that sets the canary weight. */
  public static CanaryStep setWeight(int weight) {
    CanaryStep step = new CanaryStep();
    step.setWeight = weight;
    return step;
  }

  /** Returns a pause step of a duration such as 30s. */
  public static CanaryStep pause(String duration) {
    CanaryStep step = new CanaryStep();
    step.pause = new PauseStep();
    step.pause.duration = duration;
    return step;
  }

  /** Returns a pause step that waits for a promote command. */
  public static CanaryStep pauseIndefinitely() {
    CanaryStep step = new CanaryStep();
    step.pause = new PauseStep();
    return step;
  }

  /** Returns an analysis step over the given metrics, with onError Abort. */
  public static CanaryStep analysis(MetricSpec... metrics) {
    return analysis(analysisSpec(metrics));
  }

  /** Returns an analysis step. */
  public static CanaryStep analysis(AnalysisSpec spec) {
    CanaryStep step = new CanaryStep();
    step.analysis = spec;
    return step;
  }

  /** Returns an analysis over the given metrics, with onError Abort. */
  public static AnalysisSpec analysisSpec(MetricSpec... metrics) {
    AnalysisSpec spec = new AnalysisSpec();
    spec.metrics = new ArrayList<>(Arrays.asList(metrics));
    return spec;
  }

  /** Returns an analysis over the given metrics with a chosen onError policy. */
  public static AnalysisSpec analysisSpec(AnalysisSpec.ErrorPolicy onError, MetricSpec... metrics) {
    AnalysisSpec spec = analysisSpec(metrics);
    spec.onError = onError;
    return spec;
  }

  /**
   * Returns a metric with the schema defaults (interval 10s, count 3, failureLimit 0,
   * consecutiveErrorLimit 4, inconclusiveLimit 0, noData Error) and a threshold of max 0.05.
   */
  public static MetricSpec metric(String name) {
    MetricSpec metric = new MetricSpec();
    metric.name = name;
    metric.prometheus = new PrometheusQuery();
    metric.prometheus.address = PROMETHEUS;
    metric.prometheus.query =
        "sum(rate(http_errors_total{namespace=\"{{namespace}}\","
            + " revision=\"{{canaryRevision}}\"}[1m]))";
    metric.threshold = new Threshold();
    metric.threshold.max = 0.05;
    return metric;
  }

  /** Returns a default metric changed by {@code change}, such as {@code m -> m.count = 5}. */
  public static MetricSpec metric(String name, Consumer<MetricSpec> change) {
    MetricSpec metric = metric(name);
    change.accept(metric);
    return metric;
  }

  /** Returns a pod template labelled app=demo with one container of the given image. */
  public static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("app", "demo")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  /** Fluent builder of a Rollout. */
  public static final class Builder {
    private String name = NAME;
    private String namespace = NAMESPACE;
    private long generation = 1;
    private int replicas = 10;
    private String image = "registry.local/demo:1";
    private List<CanaryStep> steps = List.of(setWeight(20), pause("30s"), setWeight(50));
    private AnalysisSpec background;
    private Integer progressDeadlineSeconds;
    private Boolean progressDeadlineAbort;
    private Integer abortScaleDownDelaySeconds;
    private Integer revisionHistoryLimit;
    private SloSpec slo;
    private InvariantSpec invariants;
    private RehearsalSpec rehearsal;
    private FreezeOverride releaseFreezeOverride;
    private Integer knownGoodRevisions;
    private RolloutStatus status;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder generation(long generation) {
      this.generation = generation;
      return this;
    }

    public Builder replicas(int replicas) {
      this.replicas = replicas;
      return this;
    }

    public Builder image(String image) {
      this.image = image;
      return this;
    }

    public Builder steps(CanaryStep... steps) {
      this.steps = new ArrayList<>(Arrays.asList(steps));
      return this;
    }

    public Builder backgroundAnalysis(AnalysisSpec background) {
      this.background = background;
      return this;
    }

    public Builder progressDeadlineSeconds(int seconds) {
      this.progressDeadlineSeconds = seconds;
      return this;
    }

    public Builder progressDeadlineAbort(boolean abort) {
      this.progressDeadlineAbort = abort;
      return this;
    }

    public Builder abortScaleDownDelaySeconds(int seconds) {
      this.abortScaleDownDelaySeconds = seconds;
      return this;
    }

    public Builder revisionHistoryLimit(int limit) {
      this.revisionHistoryLimit = limit;
      return this;
    }

    /** Sets spec.slo, such as one from {@link SignalSpecs#slo}. */
    public Builder slo(SloSpec slo) {
      this.slo = slo;
      return this;
    }

    /** Sets spec.invariants, such as one from {@link SignalSpecs#invariants}. */
    public Builder invariants(InvariantSpec invariants) {
      this.invariants = invariants;
      return this;
    }

    /** Sets spec.rehearsal; without it the decider rehearses in Verify mode. */
    public Builder rehearsal(RehearsalSpec rehearsal) {
      this.rehearsal = rehearsal;
      return this;
    }

    public Builder releaseFreezeOverride(FreezeOverride override) {
      this.releaseFreezeOverride = override;
      return this;
    }

    public Builder knownGoodRevisions(int count) {
      this.knownGoodRevisions = count;
      return this;
    }

    public Builder status(RolloutStatus status) {
      this.status = status;
      return this;
    }

    public Rollout build() {
      Rollout rollout = new Rollout();
      rollout.setMetadata(
          new ObjectMetaBuilder()
              .withName(name)
              .withNamespace(namespace)
              .withGeneration(generation)
              .withUid("rollout-uid-" + name)
              .build());

      RolloutSpec spec = new RolloutSpec();
      spec.replicas = replicas;
      spec.selector = new LabelSelectorBuilder().addToMatchLabels("app", "demo").build();
      spec.template = template(image);
      spec.strategy = new RolloutStrategy();
      spec.strategy.canary = new CanaryStrategy();
      spec.strategy.canary.steps = new ArrayList<>(steps);
      spec.strategy.canary.analysis = background;

      if (progressDeadlineSeconds != null) {
        spec.progressDeadlineSeconds = progressDeadlineSeconds;
      }
      if (progressDeadlineAbort != null) {
        spec.progressDeadlineAbort = progressDeadlineAbort;
      }
      if (abortScaleDownDelaySeconds != null) {
        spec.abortScaleDownDelaySeconds = abortScaleDownDelaySeconds;
      }
      if (revisionHistoryLimit != null) {
        spec.revisionHistoryLimit = revisionHistoryLimit;
      }
      if (knownGoodRevisions != null) {
        spec.knownGoodRevisions = knownGoodRevisions;
      }
      spec.slo = slo;
      spec.invariants = invariants;
      spec.rehearsal = rehearsal;
      spec.releaseFreezeOverride = releaseFreezeOverride;

      rollout.setSpec(spec);
      rollout.setStatus(status);
      return rollout;
    }
  }
}
