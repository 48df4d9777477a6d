package io.rearguard.observe;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.api.SignalsStatus;
import io.rearguard.decide.PolicyCheck;
import io.rearguard.policy.PolicyEvaluator;
import io.rearguard.policy.PolicyInput;
import io.rearguard.policy.RuleVerdict;
import io.rearguard.policy.Verdict;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Evaluates the applicable policies against the desired revision of a Rollout that has a stable
 * revision. The first revision of a new Rollout, and a Rollout whose desired revision is its stable
 * one, get {@link PolicyCheck#NONE}, because no canary is gated then.
 */
public class PolicyObserver {
  private final PolicySource source;
  private final PolicyEvaluator evaluator;
  private final Clock clock;

  public PolicyObserver(PolicySource source, PolicyEvaluator evaluator, Clock clock) {
    this.source = source;
    this.evaluator = evaluator;
    this.clock = clock;
  }

  /** Returns the verdicts of every applicable rule for the desired revision. */
  public PolicyCheck check(
      Rollout rollout, String desiredRevision, Collection<ReplicaSet> replicaSets) {
    RolloutStatus status = rollout.getStatus();
    String stable = status == null ? null : status.stableRevision;
    if (stable == null || desiredRevision == null || desiredRevision.equals(stable)) {
      return PolicyCheck.NONE;
    }
    List<PolicyResource> policies = source.applicable(rollout);
    if (policies.isEmpty()) {
      return PolicyCheck.NONE;
    }
    PolicyInput input =
        PolicyInput.builder()
            .rollout(rollout)
            .revision(desiredRevision, rollout.getSpec().template)
            .stable(stable, RevisionTemplates.ofReplicaSet(rollout, stable, replicaSets))
            .now(clock.instant())
            .errorBudget(remainingBudget(status), frozen(status))
            .build();
    int rules = 0;
    List<PolicyCheck.Denial> denials = new ArrayList<>();
    for (PolicyResource policy : policies) {
      for (RuleVerdict verdict : evaluator.evaluate(policy, input)) {
        rules++;
        if (verdict.denies()) {
          denials.add(
              new PolicyCheck.Denial(
                  verdict.policy().display(),
                  verdict.rule(),
                  verdict.verdict() == Verdict.Error,
                  verdict.describe()));
        }
      }
    }
    return new PolicyCheck(desiredRevision, policies.size(), rules, denials);
  }

  /** Returns the stable revision's remaining error budget in percent, or null when unknown. */
  private static Double remainingBudget(RolloutStatus status) {
    SignalsStatus.BudgetStatus budget = status.signals == null ? null : status.signals.budget;
    if (budget == null || budget.remainingPercent == null) {
      return null;
    }
    try {
      return Double.valueOf(budget.remainingPercent);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean frozen(RolloutStatus status) {
    SignalsStatus.BudgetStatus budget = status.signals == null ? null : status.signals.budget;
    return budget != null && Boolean.TRUE.equals(budget.frozen);
  }
}
