package io.rearguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.rearguard.api.AbortStatus;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandSpec;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Observation;
import io.rearguard.policy.Policies;
import io.rearguard.policy.PolicyEvaluator;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policies are skipped while an abort is due, so that slow rules cannot delay it. */
class RolloutObserverPolicyTest {
  private final MutableClock clock = new MutableClock();
  private final List<Rollout> lookups = new ArrayList<>();
  private final RolloutObserver observer =
      new RolloutObserver(
          (metric, context) -> {
            throw new AssertionError("no metric is due in these tests");
          },
          new SignalObserver(
              (address, promql) -> {
                throw new AssertionError("no signal is due in these tests");
              },
              clock),
          new PolicyObserver(
              rollout -> {
                lookups.add(rollout);
                List<PolicyResource> policies = new ArrayList<>();
                policies.add(Policies.example("images-pinned-by-digest.yaml"));
                return policies;
              },
              new PolicyEvaluator(),
              clock),
          clock);

  private static Rollout canary() {
    RolloutStatus status = new RolloutStatus();
    status.stableRevision = "stable-rev";
    return Rollouts.rollout().image("registry.example/shop:v2").status(status).build();
  }

  private static RolloutCommand abort(Rollout rollout) {
    RolloutCommand command = new RolloutCommand();
    command.setMetadata(
        new ObjectMetaBuilder()
            .withName("abort-1")
            .withNamespace(rollout.getMetadata().getNamespace())
            .withUid("command-uid-1")
            .withCreationTimestamp(MutableClock.START.toString())
            .build());
    command.setSpec(new RolloutCommandSpec());
    command.getSpec().rollout = rollout.getMetadata().getName();
    command.getSpec().action = RolloutCommandSpec.Action.ABORT;
    command.getSpec().reason = "5xx alarm";
    command.getSpec().requestedBy = "oncall-alice";
    return command;
  }

  @Test
  void canaryPoliciesAreEvaluated() {
    Observation observation = observer.observe(canary(), List.of(), List.of());

    assertThat(lookups).hasSize(1);
    assertThat(observation.policies().denials()).hasSize(1);
  }

  @Test
  void pendingAbortSkipsPolicies() {
    Rollout rollout = canary();

    Observation observation = observer.observe(rollout, List.of(), List.of(abort(rollout)));

    assertThat(observation.commands()).hasSize(1);
    assertThat(lookups).isEmpty();
    assertThat(observation.policies().denials()).isEmpty();
  }

  @Test
  void abortedRevisionSkipsPolicies() {
    Rollout rollout = canary();
    rollout.getStatus().abort = new AbortStatus();
    rollout.getStatus().abort.revision = RevisionHasher.hash(rollout.getSpec().template);

    observer.observe(rollout, List.of(), List.of());

    assertThat(lookups).isEmpty();
  }
}
