package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.decide.SpecValidator;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/** Reads of the ReplicaSets and Events that the operator creates in one test namespace. */
final class NamespaceReads {
  private NamespaceReads() {}

  /** Returns the ready pods of each revision, from the ReplicaSets' status. */
  static Map<String, Integer> readyByRevision(KubernetesClient client, String namespace) {
    return byRevision(
        client,
        namespace,
        rs ->
            rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null
                ? 0
                : rs.getStatus().getReadyReplicas());
  }

  /** Returns the requested replicas of each revision, from the ReplicaSets' spec. */
  static Map<String, Integer> specByRevision(KubernetesClient client, String namespace) {
    return byRevision(
        client,
        namespace,
        rs -> rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas());
  }

  private static Map<String, Integer> byRevision(
      KubernetesClient client, String namespace, ToIntFunction<ReplicaSet> count) {
    Map<String, Integer> counts = new TreeMap<>();
    for (ReplicaSet rs : client.apps().replicaSets().inNamespace(namespace).list().getItems()) {
      var labels = rs.getMetadata().getLabels();
      String revision = labels == null ? null : labels.get(SpecValidator.REVISION_LABEL);
      if (revision != null) {
        counts.merge(revision, count.applyAsInt(rs), Integer::sum);
      }
    }
    return counts;
  }

  /** Returns the revisions among the ReplicaSets that have at least one ready pod. */
  static Set<String> servingRevisions(Collection<ReplicaSet> replicaSets) {
    Set<String> serving = new TreeSet<>();
    for (ReplicaSet rs : replicaSets) {
      var labels = rs.getMetadata().getLabels();
      String revision = labels == null ? null : labels.get(SpecValidator.REVISION_LABEL);
      Integer ready = rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas();
      if (revision != null && ready != null && ready > 0) {
        serving.add(revision);
      }
    }
    return serving;
  }

  /** Returns the Events of the namespace, such as those the operator records for transitions. */
  static List<Event> events(KubernetesClient client, String namespace) {
    return client.v1().events().inNamespace(namespace).list().getItems();
  }

  /** Returns the messages of the Events with a reason. */
  static List<String> eventMessages(KubernetesClient client, String namespace, String reason) {
    return events(client, namespace).stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }
}
