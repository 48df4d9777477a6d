package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the informer-based source against fabric8's in-memory API server on loopback. */
@EnableKubernetesMockClient(crud = true)
class ReplicaSetSplitSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  KubernetesClient client;

  private ReplicaSetSplitSource source;

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private ReplicaSet create(
      String namespace, String name, Map<String, String> labels, String image, int ready) {
    ReplicaSet replicaSet =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .withReplicas(ready)
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(image)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    ReplicaSet created =
        client.apps().replicaSets().inNamespace(namespace).resource(replicaSet).create();
    return setReady(created, ready);
  }

  private ReplicaSet setReady(ReplicaSet replicaSet, int ready) {
    replicaSet.setStatus(
        new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder()
            .withReplicas(ready)
            .withReadyReplicas(ready)
            .build());
    return client
        .apps()
        .replicaSets()
        .inNamespace(replicaSet.getMetadata().getNamespace())
        .resource(replicaSet)
        .updateStatus();
  }

  private static Map<String, String> labels(String rollout, String revision) {
    return Map.of(RevisionState.ROLLOUT_LABEL, rollout, RevisionState.REVISION_LABEL, revision);
  }

  private static List<Double> weights(TrafficSplitSource source) {
    return source.currentSplits().get(0).revisions().stream().map(RevisionWeight::weight).toList();
  }

  @Test
  void startReadsExistingReplicaSets() {
    create("demo", "app-v1", labels("shop", "v1"), "registry.example/app:v1", 3);
    create("demo", "app-v2", labels("shop", "v2"), "registry.example/app:v2", 1);

    source = new ReplicaSetSplitSource(client, "demo", false);
    source.start();

    List<TrafficSplit> splits = source.currentSplits();
    assertThat(splits).hasSize(1);
    assertThat(splits.get(0).rollout()).isEqualTo(new RolloutId("demo", "shop"));
    assertThat(weights(source)).containsExactly(0.75, 0.25);
  }

  @Test
  void readyReplicaChangesUpdateSplit() {
    ReplicaSet stable =
        create("demo", "app-v1", labels("shop", "v1"), "registry.example/app:v1", 2);
    ReplicaSet canary =
        create("demo", "app-v2", labels("shop", "v2"), "registry.example/app:v2", 0);
    source = new ReplicaSetSplitSource(client, "demo", false);
    source.start();
    assertThat(weights(source)).containsExactly(1.0, 0.0);

    setReady(canary, 2);

    await().atMost(TIMEOUT).until(() -> weights(source).equals(List.of(0.5, 0.5)));

    client.apps().replicaSets().inNamespace("demo").resource(stable).delete();

    await().atMost(TIMEOUT).until(() -> weights(source).equals(List.of(1.0)));
  }

  @Test
  void otherNamespacesAndUnlabelledReplicaSetsAreIgnored() {
    create("demo", "app-v1", labels("shop", "v1"), "registry.example/app:v1", 1);
    create("other", "app-v9", labels("shop", "v9"), "registry.example/app:v9", 1);
    create(
        "demo", "app-x", Map.of(RevisionState.ROLLOUT_LABEL, "shop"), "registry.example/app:x", 1);
    create("demo", "unrelated-1", Map.of("app", "unrelated"), "registry.example/unrelated:1", 1);

    source = new ReplicaSetSplitSource(client, "demo", false);
    source.start();

    List<TrafficSplit> splits = source.currentSplits();
    assertThat(splits).hasSize(1);
    assertThat(splits.get(0).revisions())
        .extracting(RevisionWeight::revision)
        .containsExactly("v1");
  }

  @Test
  void withoutNamespaceAllNamespacesAreWatched() {
    create("demo", "app-v1", labels("shop", "v1"), "registry.example/app:v1", 1);
    create("other", "app-v9", labels("shop", "v9"), "registry.example/app:v9", 1);

    source = new ReplicaSetSplitSource(client, null, false);
    source.start();

    assertThat(source.currentSplits())
        .extracting(TrafficSplit::rollout)
        .containsExactly(new RolloutId("demo", "shop"), new RolloutId("other", "shop"));
  }
}
