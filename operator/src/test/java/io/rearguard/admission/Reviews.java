package io.rearguard.admission;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.PolicyRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AdmissionReview request bodies as the API server sends them, for the webhook tests. */
final class Reviews {
  static final String UID = "705ab4f5-6393-11e8-b7cc-42010a800002";

  private Reviews() {}

  static PolicyRule rule(String name, String expression) {
    PolicyRule rule = new PolicyRule();
    rule.name = name;
    rule.expression = expression;
    return rule;
  }

  /** Returns the JSON body of a review of a RolloutPolicy shop/{@code name}. */
  static byte[] policy(String operation, String name, PolicyRule... rules) {
    return body(operation, "RolloutPolicy", "shop", name, rules);
  }

  /** Returns the JSON body of a review of a ClusterRolloutPolicy {@code name}. */
  static byte[] clusterPolicy(String operation, String name, PolicyRule... rules) {
    return body(operation, "ClusterRolloutPolicy", null, name, rules);
  }

  static byte[] body(
      String operation, String kind, String namespace, String name, PolicyRule... rules) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", name);
    if (namespace != null) {
      metadata.put("namespace", namespace);
    }
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", "rearguard.io/v1alpha1");
    object.put("kind", kind);
    object.put("metadata", metadata);
    object.put("spec", Map.of("rules", List.of(rules)));
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("uid", UID);
    request.put("kind", Map.of("group", "rearguard.io", "version", "v1alpha1", "kind", kind));
    request.put("operation", operation);
    request.put("name", name);
    if (namespace != null) {
      request.put("namespace", namespace);
    }
    request.put("object", object);
    return json(
        Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview", "request", request));
  }

  static byte[] json(Object value) {
    return Serialization.asJson(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
