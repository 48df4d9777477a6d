package io.rearguard.simulator;

import java.util.Objects;

/**
 * Identity of a rollout: the value of the {@code rearguard.io/rollout} label within one namespace.
 *
 * @param namespace namespace of the rollout's ReplicaSets
 * @param name value of the {@code rearguard.io/rollout} label
 */
public record RolloutId(String namespace, String name) implements Comparable<RolloutId> {

  public RolloutId {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(RolloutId other) {
    int byNamespace = namespace.compareTo(other.namespace);
    return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
