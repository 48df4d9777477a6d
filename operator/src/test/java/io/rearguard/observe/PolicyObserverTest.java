package io.rearguard.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.SignalsStatus;
import io.rearguard.decide.PolicyCheck;
import io.rearguard.policy.Policies;
import io.rearguard.policy.PolicyEvaluator;
import io.rearguard.testkit.MutableClock;
import io.rearguard.testkit.Rollouts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyObserverTest {
  private static final String PINNED =
      "registry.example/shop@sha256:" + "0123456789abcdef".repeat(4);

  private final MutableClock clock = new MutableClock();
  private final List<PolicyResource> policies = new ArrayList<>();
  private final List<Rollout> lookups = new ArrayList<>();
  private final PolicyObserver observer =
      new PolicyObserver(
          rollout -> {
            lookups.add(rollout);
            return List.copyOf(policies);
          },
          new PolicyEvaluator(),
          clock);

  private static Rollout canary(String image) {
    RolloutStatus status = new RolloutStatus();
    status.stableRevision = "stable-rev";
    return Rollouts.rollout().image(image).status(status).build();
  }

  private PolicyCheck check(Rollout rollout) {
    String desired = RevisionHasher.hash(rollout.getSpec().template);
    return observer.check(rollout, desired, List.of());
  }

  @Test
  void unpinnedImageIsDeniedByPinnedPolicy() {
    policies.add(Policies.example("images-pinned-by-digest.yaml"));
    Rollout rollout = canary("registry.example/shop:v2");

    PolicyCheck check = check(rollout);

    assertThat(check.revision()).isEqualTo(RevisionHasher.hash(rollout.getSpec().template));
    assertThat(check.policies()).isEqualTo(1);
    assertThat(check.rules()).isEqualTo(1);
    assertThat(check.denials()).hasSize(1);
    PolicyCheck.Denial denial = check.denials().get(0);
    assertThat(denial.policy()).isEqualTo("RolloutPolicy shop/images-pinned-by-digest");
    assertThat(denial.rule()).isEqualTo("images-pinned");
    assertThat(denial.error()).isFalse();
    assertThat(denial.text()).contains("registry.example/shop:v2");
  }

  @Test
  void pinnedImageIsAllowed() {
    policies.add(Policies.example("images-pinned-by-digest.yaml"));

    PolicyCheck check = check(canary(PINNED));

    assertThat(check.policies()).isEqualTo(1);
    assertThat(check.denials()).isEmpty();
  }

  @Test
  void unparseablePolicyDeniesWithError() {
    policies.add(Policies.policy("broken", Policies.rule("typo", "revison.images.size() > 0 &&")));

    PolicyCheck check = check(canary(PINNED));

    assertThat(check.denials()).hasSize(1);
    assertThat(check.denials().get(0).error()).isTrue();
    assertThat(check.denials().get(0).text()).contains("could not be evaluated (denies)");
  }

  @Test
  void firstRevisionIsNotEvaluated() {
    policies.add(Policies.policy("deny-all", Policies.rule("never", "false")));
    Rollout first = Rollouts.rollout().image("registry.example/shop:v1").build();

    assertThat(check(first)).isEqualTo(PolicyCheck.NONE);
    assertThat(lookups).isEmpty();
  }

  @Test
  void stableRevisionIsNotEvaluated() {
    policies.add(Policies.policy("deny-all", Policies.rule("never", "false")));
    Rollout rollout = canary("registry.example/shop:v1");
    rollout.getStatus().stableRevision = RevisionHasher.hash(rollout.getSpec().template);

    assertThat(check(rollout)).isEqualTo(PolicyCheck.NONE);
  }

  @Test
  void inputCarriesBudgetAndClock() {
    policies.add(
        Policies.policy(
            "budget",
            Policies.rule("known", "errorBudget.known && errorBudget.remaining > 40.0"),
            Policies.rule("frozen", "!errorBudget.frozen"),
            Policies.rule("clock", "now == timestamp('" + clock.instant() + "')")));
    Rollout rollout = canary(PINNED);
    rollout.getStatus().signals = new SignalsStatus();
    rollout.getStatus().signals.budget = new SignalsStatus.BudgetStatus();
    rollout.getStatus().signals.budget.remainingPercent = "42.50";
    rollout.getStatus().signals.budget.frozen = true;

    PolicyCheck check = check(rollout);

    assertThat(check.rules()).isEqualTo(3);
    assertThat(check.denials()).extracting(PolicyCheck.Denial::rule).containsExactly("frozen");
  }
}
