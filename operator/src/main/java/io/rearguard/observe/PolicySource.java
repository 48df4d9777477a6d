package io.rearguard.observe;

import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import java.util.List;

/** Source of the policies that apply to a Rollout, read from a cache without API calls. */
@FunctionalInterface
public interface PolicySource {
  /** A source without policies. */
  PolicySource NONE = rollout -> List.of();

  /** Returns the policies that apply to the Rollout, in evaluation order. */
  List<PolicyResource> applicable(Rollout rollout);
}
