package io.rearguard.decide;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rearguard.api.RolloutStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;

/** Deep copies of a status, so a decision never changes the object it was given. */
public final class StatusCopier {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StatusCopier() {}

  /** Returns a deep copy, or an empty status for null; lists are never null. */
  public static RolloutStatus copy(RolloutStatus status) {
    RolloutStatus copy;
    if (status == null) {
      copy = new RolloutStatus();
    } else {
      try {
        copy = MAPPER.readValue(MAPPER.writeValueAsBytes(status), RolloutStatus.class);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy a Rollout status", e);
      }
    }
    if (copy.conditions == null) {
      copy.conditions = new ArrayList<>();
    }
    if (copy.analysis == null) {
      copy.analysis = new ArrayList<>();
    }
    if (copy.recentCommands == null) {
      copy.recentCommands = new ArrayList<>();
    }
    return copy;
  }

  /** Returns whether two statuses serialize to the same JSON. */
  public static boolean sameContent(RolloutStatus left, RolloutStatus right) {
    try {
      return MAPPER
          .readTree(MAPPER.writeValueAsBytes(copy(left)))
          .equals(MAPPER.readTree(MAPPER.writeValueAsBytes(copy(right))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot compare Rollout statuses", e);
    }
  }
}
