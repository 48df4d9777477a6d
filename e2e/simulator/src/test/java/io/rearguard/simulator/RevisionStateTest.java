package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RevisionStateTest {

  private static ReplicaSetBuilder replicaSet(Map<String, String> labels) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withNamespace("demo")
        .withName("shop-abc123")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.example/app:v3")
        .endContainer()
        .addNewContainer()
        .withName("sidecar")
        .withImage("registry.example/proxy:v1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec();
  }

  private static final Map<String, String> LABELS =
      Map.of(RevisionState.ROLLOUT_LABEL, "shop", RevisionState.REVISION_LABEL, "abc123");

  @Test
  void readsLabelsFirstImageAndReadyReplicas() {
    ReplicaSet replicaSet =
        replicaSet(LABELS).withNewStatus().withReadyReplicas(2).endStatus().build();

    Optional<RevisionState> state = RevisionState.fromReplicaSet(replicaSet);

    assertThat(state).isPresent();
    assertThat(state.get().rollout()).isEqualTo(new RolloutId("demo", "shop"));
    assertThat(state.get().revision()).isEqualTo("abc123");
    assertThat(state.get().image()).isEqualTo("registry.example/app:v3");
    assertThat(state.get().readyReplicas()).isEqualTo(2);
  }

  @Test
  void missingStatusCountsAsZeroReady() {
    Optional<RevisionState> state = RevisionState.fromReplicaSet(replicaSet(LABELS).build());

    assertThat(state).isPresent();
    assertThat(state.get().readyReplicas()).isZero();
  }

  @Test
  void missingRevisionLabelIsIgnored() {
    ReplicaSet replicaSet = replicaSet(Map.of(RevisionState.ROLLOUT_LABEL, "shop")).build();

    assertThat(RevisionState.fromReplicaSet(replicaSet)).isEmpty();
  }

  @Test
  void missingPodTemplateGivesEmptyImage() {
    ReplicaSet replicaSet =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withNamespace("demo")
            .withName("shop-abc123")
            .withLabels(LABELS)
            .endMetadata()
            .build();

    Optional<RevisionState> state = RevisionState.fromReplicaSet(replicaSet);

    assertThat(state).isPresent();
    assertThat(state.get().image()).isEmpty();
  }
}
