package io.rearguard.act;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.rearguard.api.Rollout;
import io.rearguard.decide.SpecValidator;
import io.rearguard.observe.RolloutObserver;
import java.util.HashMap;
import java.util.Map;

/** Builds the ReplicaSet of one revision of a Rollout. */
public final class ReplicaSets {
  private ReplicaSets() {}

  /** Returns the ReplicaSet name of a revision. */
  public static String name(Rollout rollout, String revision) {
    return rollout.getMetadata().getName() + "-" + revision;
  }

  /** Builds a revision's ReplicaSet from the Rollout's current pod template. */
  public static ReplicaSet build(Rollout rollout, String revision, int replicas) {
    Map<String, String> labels = new HashMap<>(rollout.getSpec().selector.getMatchLabels());
    labels.put(RolloutObserver.ROLLOUT_LABEL, rollout.getMetadata().getName());
    labels.put(SpecValidator.REVISION_LABEL, revision);

    PodTemplateSpec source = rollout.getSpec().template;
    Map<String, String> podLabels = new HashMap<>();
    if (source.getMetadata() != null && source.getMetadata().getLabels() != null) {
      podLabels.putAll(source.getMetadata().getLabels());
    }
    podLabels.put(RolloutObserver.ROLLOUT_LABEL, rollout.getMetadata().getName());
    podLabels.put(SpecValidator.REVISION_LABEL, revision);
    PodTemplateSpec template =
        new PodTemplateSpecBuilder(source)
            .editOrNewMetadata()
            .withLabels(podLabels)
            .endMetadata()
            .build();

    return new ReplicaSetBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(name(rollout, revision))
                .withNamespace(rollout.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion(rollout.getApiVersion())
                        .withKind(rollout.getKind())
                        .withName(rollout.getMetadata().getName())
                        .withUid(rollout.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .build())
        .withNewSpec()
        .withReplicas(replicas)
        .withSelector(new LabelSelectorBuilder().withMatchLabels(labels).build())
        .withTemplate(template)
        .endSpec()
        .build();
  }
}
