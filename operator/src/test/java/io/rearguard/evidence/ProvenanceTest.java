package io.rearguard.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.rearguard.api.RevisionProvenance;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.SpecValidator;
import io.rearguard.testkit.Rollouts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private static ReplicaSet replicaSet(Rollout rollout, String revision, PodTemplateSpec template) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("demo-" + revision)
        .withLabels(Map.of(SpecValidator.REVISION_LABEL, revision))
        .addNewOwnerReference()
        .withUid(rollout.getMetadata().getUid())
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withTemplate(template)
        .endSpec()
        .build();
  }

  private static RolloutStatus status(String stable, String canary) {
    RolloutStatus status = new RolloutStatus();
    status.stableRevision = stable;
    status.canaryRevision = canary;
    return status;
  }

  @Test
  void canaryFromTemplateStableFromReplicaSet() {
    Rollout rollout = Rollouts.rollout().build();
    rollout.getSpec().template = Rollouts.template("registry.local/shop@" + DIGEST);
    rollout
        .getSpec()
        .template
        .getMetadata()
        .setAnnotations(
            Map.of(
                "provenance.rearguard.io/source-commit", "4f1c2e9",
                "provenance.rearguard.io/build-id", "build-812",
                "team", "payments"));
    ReplicaSet stable = replicaSet(rollout, "rev-1", Rollouts.template("registry.local/shop:1.3"));

    List<RevisionProvenance> provenance =
        Provenance.ofStatus(rollout, status("rev-1", "rev-2"), "rev-2", List.of(stable));

    assertThat(provenance).extracting(p -> p.revision).containsExactly("rev-1", "rev-2");
    RevisionProvenance stableOne = provenance.get(0);
    assertThat(stableOne.images).containsExactly("registry.local/shop:1.3");
    assertThat(stableOne.imageDetails.get(0).tag).isEqualTo("1.3");
    assertThat(stableOne.imageDetails.get(0).digest).isNull();
    assertThat(stableOne.annotations).isNull();
    RevisionProvenance canary = provenance.get(1);
    assertThat(canary.imageDetails.get(0).container).isEqualTo("app");
    assertThat(canary.imageDetails.get(0).repository).isEqualTo("registry.local/shop");
    assertThat(canary.imageDetails.get(0).digest).isEqualTo(DIGEST);
    assertThat(canary.annotations)
        .containsOnly(
            Map.entry("provenance.rearguard.io/source-commit", "4f1c2e9"),
            Map.entry("provenance.rearguard.io/build-id", "build-812"));
  }

  @Test
  void unknownRevisionHasNoImages() {
    Rollout rollout = Rollouts.rollout().build();

    List<RevisionProvenance> provenance =
        Provenance.ofStatus(rollout, status("rev-old", null), "rev-2", List.of());

    assertThat(provenance).hasSize(1);
    assertThat(provenance.get(0).revision).isEqualTo("rev-old");
    assertThat(provenance.get(0).images).isNull();
  }

  @Test
  void replicaSetOfAnotherRolloutIsIgnored() {
    Rollout rollout = Rollouts.rollout().build();
    Rollout other = Rollouts.rollout().build();
    other.getMetadata().setUid("another-uid");
    ReplicaSet foreign = replicaSet(other, "rev-1", Rollouts.template("registry.local/other:9"));

    List<RevisionProvenance> provenance =
        Provenance.ofStatus(rollout, status("rev-1", null), "rev-2", List.of(foreign));

    assertThat(provenance.get(0).images).isNull();
  }

  @Test
  void annotationsAreCappedInCountAndLength() {
    Rollout rollout = Rollouts.rollout().build();
    Map<String, String> annotations = new HashMap<>();
    for (int i = 0; i < Provenance.MAX_ANNOTATIONS + 5; i++) {
      annotations.put(String.format("provenance.rearguard.io/k%02d", i), "x".repeat(1000));
    }
    rollout.getSpec().template.getMetadata().setAnnotations(annotations);

    RevisionProvenance provenance =
        Provenance.ofStatus(rollout, status("rev-2", null), "rev-2", List.of()).get(0);

    assertThat(provenance.annotations).hasSize(Provenance.MAX_ANNOTATIONS);
    assertThat(provenance.annotations.values())
        .allMatch(v -> v.length() == Provenance.MAX_VALUE_LENGTH);
  }

  @Test
  void noRevisionsGiveNoProvenance() {
    Rollout rollout = Rollouts.rollout().build();

    assertThat(Provenance.ofStatus(rollout, status(null, null), "rev-1", List.of())).isNull();
  }
}
