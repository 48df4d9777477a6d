package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.Map;

/** Kubernetes objects that {@link StackIT} creates. */
final class StackResources {

  private StackResources() {}

  /** Deployment {@code web} whose pods carry the label {@code app=web}. */
  static Deployment webDeployment(int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", "web")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withSpec(podSpec("registry.example/web:1"))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Widget object of the throwaway CRD. It carries a status, which the API server drops on create
   * because the CRD enables the status subresource.
   */
  static GenericKubernetesResource widget(
      String namespace, String name, int replicas, int minReplicas) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("stacktest.rearguard.io/v1")
        .withKind("Widget")
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .addToAdditionalProperties("spec", Map.of("replicas", replicas, "minReplicas", minReplicas))
        .addToAdditionalProperties("status", Map.of("observedReplicas", 99))
        .build();
  }

  /** ConfigMap {@code ssa} with the given data, for the server-side apply test. */
  static ConfigMap configMap(String namespace, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("ssa")
        .withNamespace(namespace)
        .endMetadata()
        .withData(data)
        .build();
  }

  static ReplicaSet stackTestReplicaSet() {
    Map<String, String> labels =
        Map.of("rearguard.io/rollout", "stack-test", "rearguard.io/revision", "abc123");
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("stack-test-abc123")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .withMatchLabels(labels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(podSpec("registry.example/app:stack-test"))
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Pod spec with one container. KWOK fakes the container, so the image is never pulled. */
  static PodSpec podSpec(String image) {
    return new PodSpecBuilder()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .build();
  }
}
