package io.rearguard.policy;

import static io.rearguard.policy.Policies.policy;
import static io.rearguard.policy.Policies.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RolloutPolicy;
import io.rearguard.testkit.Rollouts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final PolicyEvaluator evaluator = new PolicyEvaluator();

  private static PolicyInput input() {
    return PolicyInput.builder()
        .rollout(Rollouts.rollout().image("registry.local/demo:2").build())
        .revision("rev-new", null)
        .now(NOW)
        .build();
  }

  private RuleVerdict only(RolloutPolicy policy) {
    List<RuleVerdict> verdicts = evaluator.evaluate(policy, input());
    assertThat(verdicts).hasSize(1);
    return verdicts.get(0);
  }

  @Test
  void trueAllowsAndFalseDenies() {
    RolloutPolicy policy =
        policy("p", rule("yes", "revision.hash == 'rev-new'"), rule("no", "size(steps) > 5"));

    List<RuleVerdict> verdicts = evaluator.evaluate(policy, input());

    assertThat(verdicts)
        .extracting(RuleVerdict::verdict)
        .containsExactly(Verdict.Allowed, Verdict.Denied);
    RuleVerdict denied = verdicts.get(1);
    assertThat(denied.policy()).isEqualTo(new PolicyRef("RolloutPolicy", "shop", "p", "uid-p", 1));
    assertThat(denied.rule()).isEqualTo("no");
    assertThat(denied.denies()).isTrue();
    assertThat(denied.value()).isEqualTo("`size(steps) > 5` is false");
    assertThat(denied.describe())
        .isEqualTo(
            "RolloutPolicy shop/p rule no denies: message of no; value: `size(steps) > 5` is false");
  }

  @Test
  void valueExpressionRendersTheFailingValue() {
    RuleVerdict verdict =
        only(
            policy(
                "p",
                rule(
                    "pinned",
                    "revision.images.all(i, i.digest != '')",
                    "revision.images.filter(i, i.digest == '').map(i, i.image)")));

    assertThat(verdict.verdict()).isEqualTo(Verdict.Denied);
    assertThat(verdict.value()).isEqualTo("[\"registry.local/demo:2\"]");
  }

  @Test
  void missingKeyIsAnErrorThatDenies() {
    RuleVerdict verdict = only(policy("p", rule("missing", "revision.labels['team'] == 'x'")));

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.denies()).isTrue();
    assertThat(verdict.error()).isEqualTo("evaluation error at position 16: no such key: team");
    assertThat(verdict.describe()).contains("could not be evaluated (denies)").contains("team");
  }

  @Test
  void missingFieldIsAnErrorThatDenies() {
    RuleVerdict verdict = only(policy("p", rule("field", "rollout.spec.nothing.here == 1")));

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error()).contains("nothing");
  }

  @Test
  void runtimeTypeErrorIsAnErrorThatDenies() {
    RuleVerdict verdict = only(policy("p", rule("type", "revision.hash > 3")));

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error()).contains("No matching overload");
  }

  @Test
  void runtimeNonBoolIsError() {
    RolloutPolicy policy =
        Policies.withParams(policy("p", rule("dyn", "params.flag")), Map.of("flag", "yes"));

    RuleVerdict verdict = only(policy);

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error()).isEqualTo("the rule returned yes (String), not a bool");
  }

  @Test
  void compileErrorIsAnErrorThatDenies() {
    RuleVerdict verdict = only(policy("p", rule("broken", "revision.hash ==")));

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error()).startsWith("the rule does not compile: 1:17: ");
  }

  @Test
  void iterationLimitStopsARuleThatIteratesTooMuch() {
    String hundred = "[" + "0,".repeat(99) + "0]";
    String expression = hundred + ".all(a, " + hundred + ".all(b, " + hundred + ".all(c, true)))";

    RuleVerdict verdict = only(policy("p", rule("loops", expression)));

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error()).contains("Iteration budget exceeded: 10000");
  }

  @Test
  void largeValueWorkIsBounded() {
    // 100 x 100 regex matches over a 50,000-character string: few nodes, much work
    String hundred = "[" + "0,".repeat(99) + "0]";
    String expression =
        hundred + ".all(a, " + hundred + ".all(b, !params.text.matches('(a|aa)*c')))";
    RolloutPolicy policy =
        Policies.withParams(
            policy("p", rule("regex", expression)), Map.of("text", "a".repeat(50_000)));

    RuleVerdict verdict = evaluator.evaluate(policy, input()).get(0);

    // The size-weighted cost or the time limit stops it, whichever comes first on this machine.
    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error()).containsAnyOf("cost limit", "took longer than 250 ms");
  }

  @Test
  void costLimitStopsAnExpensiveRule() {
    PolicyEvaluator tight =
        new PolicyEvaluator(new PolicyEvaluator.Limits(256 * 1024, 500, 1000, 8));
    String expression = "[" + "1,".repeat(99) + "1].all(x, x + x + x + x == 4 * x)";

    RuleVerdict verdict = tight.evaluate(policy("p", rule("costly", expression)), input()).get(0);

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error())
        .isEqualTo("the evaluation cost limit of 500 evaluated expressions was exceeded");
    assertThat(
            evaluator.evaluate(policy("p", rule("costly", expression)), input()).get(0).verdict())
        .isEqualTo(Verdict.Allowed);
  }

  @Test
  void valueSizeLimitStopsAGrowingString() {
    String doubling =
        "["
            + "0,".repeat(30)
            + "0].map(x, 'ab').join('') + "
            + "['x'].map(y, 'ababababababababababababababababab' + 'ab').join('') != ''";
    PolicyEvaluator small =
        new PolicyEvaluator(new PolicyEvaluator.Limits(256 * 1024, 100_000, 40, 8));

    RuleVerdict verdict = small.evaluate(policy("p", rule("grow", doubling)), input()).get(0);

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.error()).contains("exceeds the limit of 40");
  }

  @Test
  void inputAboveTheSizeCapDeniesEveryRule() {
    PolicyEvaluator capped =
        new PolicyEvaluator(new PolicyEvaluator.Limits(1000, 100_000, 1000, 8));
    var rollout = Rollouts.rollout().build();
    rollout.getMetadata().setAnnotations(Map.of("big", "x".repeat(2000)));
    PolicyInput big = PolicyInput.builder().rollout(rollout).now(NOW).build();

    List<RuleVerdict> verdicts =
        capped.evaluate(policy("p", rule("a", "true"), rule("b", "true")), big);

    assertThat(verdicts)
        .extracting(RuleVerdict::verdict)
        .containsExactly(Verdict.Error, Verdict.Error);
    assertThat(verdicts.get(0).error())
        .matches("the evaluated input is \\d+ bytes, more than the limit of 1000 bytes");
  }

  @Test
  void paramsAreIntsOrStrings() {
    RolloutPolicy policy =
        Policies.withParams(
            policy("p", rule("params", "params.n + 1 == 4 && params.s.startsWith('ab')")),
            Map.of("n", 3, "s", "abc"));

    assertThat(only(policy).verdict()).isEqualTo(Verdict.Allowed);
  }

  @Test
  void cacheKeyedByGenerationBounded() {
    PolicyEvaluator small =
        new PolicyEvaluator(new PolicyEvaluator.Limits(256 * 1024, 1000, 1000, 2));
    RolloutPolicy policy = policy("p", rule("a", "true"), rule("b", "true"));

    small.evaluate(policy, input());
    small.evaluate(policy, input());
    assertThat(small.cached()).isEqualTo(2);

    policy.getMetadata().setGeneration(2L);
    policy.getSpec().rules.get(0).expression = "false";
    assertThat(small.evaluate(policy, input()).get(0).verdict()).isEqualTo(Verdict.Denied);
    assertThat(small.cached()).isEqualTo(2);
  }
}
