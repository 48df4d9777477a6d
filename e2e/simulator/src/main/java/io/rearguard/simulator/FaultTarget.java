package io.rearguard.simulator;

import java.util.Objects;

/**
 * Selector of the revisions a fault applies to: one revision hash or one exact image string.
 *
 * @param kind whether {@code value} is a revision hash or an image
 * @param value the revision hash or image, compared exactly
 */
public record FaultTarget(Kind kind, String value) {

  /** What a {@link FaultTarget} compares its value with. */
  public enum Kind {
    /** The {@code rearguard.io/revision} label of the ReplicaSet. */
    REVISION,
    /** The first container image of the ReplicaSet's pod template. */
    IMAGE
  }

  public FaultTarget {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("fault target " + kind + " must not be blank");
    }
  }

  /** Creates a target that selects one revision hash. */
  public static FaultTarget revision(String revision) {
    return new FaultTarget(Kind.REVISION, revision);
  }

  /** Creates a target that selects every revision running this exact image. */
  public static FaultTarget image(String image) {
    return new FaultTarget(Kind.IMAGE, image);
  }
}
