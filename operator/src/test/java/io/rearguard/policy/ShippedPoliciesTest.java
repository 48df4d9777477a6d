package io.rearguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.Rollout;
import io.rearguard.testkit.Rollouts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each shipped example policy, loaded from docs/examples/policies, allows and denies. */
class ShippedPoliciesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private final PolicyEvaluator evaluator = new PolicyEvaluator();

  private static PolicyInput input(Rollout rollout, PodTemplateSpec template, Instant now) {
    return PolicyInput.builder()
        .rollout(rollout)
        .revision("rev-new", template)
        .stable("rev-old", Rollouts.template("registry.local/demo:1"))
        .now(now)
        .build();
  }

  private List<RuleVerdict> evaluate(String file, PodTemplateSpec template) {
    return evaluator.evaluate(
        Policies.example(file), input(Rollouts.rollout().build(), template, NOW));
  }

  @Test
  void everyShippedPolicyCompiles() throws Exception {
    try (var files = java.nio.file.Files.list(Policies.EXAMPLES)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names)
          .containsExactly(
              "first-step-weight.yaml",
              "freeze-window.yaml",
              "images-pinned-by-digest.yaml",
              "provenance-annotations.yaml");
      for (String name : names) {
        PolicyResource policy = Policies.example(name);
        for (var rule : policy.policySpec().rules) {
          assertThat(PolicyCompiler.validate(rule)).as(name + " " + rule.name).isEmpty();
        }
      }
    }
  }

  @Test
  void imagesPinnedNamesUnpinned() {
    PodTemplateSpec pinned = PolicyInputTest.template("registry.local/demo:2@" + DIGEST, Map.of());
    pinned.getSpec().getInitContainers().get(0).setImage("registry.local:5000/migrate@" + DIGEST);
    PodTemplateSpec unpinned = PolicyInputTest.template("registry.local/demo:2", Map.of());

    assertThat(evaluate("images-pinned-by-digest.yaml", pinned))
        .singleElement()
        .extracting(RuleVerdict::verdict)
        .isEqualTo(Verdict.Allowed);
    RuleVerdict denied = evaluate("images-pinned-by-digest.yaml", unpinned).get(0);
    assertThat(denied.verdict()).isEqualTo(Verdict.Denied);
    assertThat(denied.rule()).isEqualTo("images-pinned");
    assertThat(denied.value())
        .isEqualTo("[\"migrate=registry.local:5000/migrate:2\", \"app=registry.local/demo:2\"]");
  }

  @Test
  void imagesPinnedRejectsAMalformedDigest() {
    PodTemplateSpec template = PolicyInputTest.template("registry.local/demo@sha256:abc", Map.of());
    template.getSpec().getInitContainers().clear();

    RuleVerdict verdict = evaluate("images-pinned-by-digest.yaml", template).get(0);

    assertThat(verdict.verdict()).isEqualTo(Verdict.Denied);
    assertThat(verdict.value()).isEqualTo("[\"app=registry.local/demo@sha256:abc\"]");
  }

  @Test
  void provenanceAllowsBothAnnotations() {
    PodTemplateSpec template =
        PolicyInputTest.template(
            "demo:2",
            Map.of(
                "provenance.rearguard.io/source-commit", "0a1b2c3d4e5f",
                "provenance.rearguard.io/build-id", "ci-1234"));

    assertThat(evaluate("provenance-annotations.yaml", template))
        .extracting(RuleVerdict::verdict)
        .containsExactly(Verdict.Allowed, Verdict.Allowed);
  }

  @Test
  void provenanceDeniesMissingOrMalformedAnnotations() {
    PodTemplateSpec missing = PolicyInputTest.template("demo:2", Map.of());
    PodTemplateSpec malformed =
        PolicyInputTest.template(
            "demo:2",
            Map.of(
                "provenance.rearguard.io/source-commit", "main",
                "provenance.rearguard.io/build-id", ""));

    List<RuleVerdict> none = evaluate("provenance-annotations.yaml", missing);
    assertThat(none)
        .extracting(RuleVerdict::verdict)
        .containsExactly(Verdict.Denied, Verdict.Denied);
    assertThat(none.get(0).value())
        .isEqualTo("annotation provenance.rearguard.io/source-commit is missing");
    assertThat(none.get(1).value())
        .isEqualTo("annotation provenance.rearguard.io/build-id is missing");

    List<RuleVerdict> bad = evaluate("provenance-annotations.yaml", malformed);
    assertThat(bad)
        .extracting(RuleVerdict::verdict)
        .containsExactly(Verdict.Denied, Verdict.Denied);
    assertThat(bad.get(0).value()).isEqualTo("provenance.rearguard.io/source-commit=main");
    assertThat(bad.get(1).value()).isEqualTo("provenance.rearguard.io/build-id is empty");
  }

  @Test
  void freezeWindowDeniesInsideAndAllowsOutside() {
    PolicyResource policy = Policies.example("freeze-window.yaml");
    assertThat(policy).isInstanceOf(ClusterRolloutPolicy.class);
    Rollout rollout = Rollouts.rollout().build();
    PodTemplateSpec template = rollout.getSpec().template;

    for (String allowed :
        List.of("2026-12-19T23:59:59Z", "2027-01-04T00:00:00Z", "2027-06-01T00:00:00Z")) {
      assertThat(evaluator.evaluate(policy, input(rollout, template, Instant.parse(allowed))))
          .as(allowed)
          .extracting(RuleVerdict::verdict)
          .containsExactly(Verdict.Allowed);
    }
    RuleVerdict denied =
        evaluator
            .evaluate(policy, input(rollout, template, Instant.parse("2026-12-20T00:00:00Z")))
            .get(0);
    assertThat(denied.verdict()).isEqualTo(Verdict.Denied);
    assertThat(denied.policy().display()).isEqualTo("ClusterRolloutPolicy year-end-freeze");
    assertThat(denied.value())
        .isEqualTo(
            "now is 2026-12-20T00:00:00Z, within the freeze from 2026-12-20T00:00:00Z to"
                + " 2027-01-04T00:00:00Z");
  }

  @Test
  void freezeWindowWithABadTimeIsAnError() {
    PolicyResource policy = Policies.example("freeze-window.yaml");
    policy
        .policySpec()
        .parameters
        .put("freezeStart", new io.fabric8.kubernetes.api.model.IntOrString("next friday"));
    Rollout rollout = Rollouts.rollout().build();

    RuleVerdict verdict =
        evaluator.evaluate(policy, input(rollout, rollout.getSpec().template, NOW)).get(0);

    assertThat(verdict.verdict()).isEqualTo(Verdict.Error);
    assertThat(verdict.denies()).isTrue();
  }

  @Test
  void firstStepWeightAllowsSmallFirstSteps() {
    PolicyResource policy = Policies.example("first-step-weight.yaml");
    for (Rollout rollout :
        List.of(
            Rollouts.rollout().steps(Rollouts.setWeight(10), Rollouts.setWeight(50)).build(),
            Rollouts.rollout()
                .steps(Rollouts.setWeight(0), Rollouts.pause("1m"), Rollouts.setWeight(5))
                .build(),
            Rollouts.rollout().steps(Rollouts.pause("1m")).build())) {
      assertThat(evaluator.evaluate(policy, input(rollout, rollout.getSpec().template, NOW)))
          .extracting(RuleVerdict::verdict)
          .containsExactly(Verdict.Allowed);
    }
  }

  @Test
  void firstStepWeightDeniesALargeFirstStep() {
    PolicyResource policy = Policies.example("first-step-weight.yaml");
    Rollout rollout =
        Rollouts.rollout()
            .steps(Rollouts.pause("1m"), Rollouts.setWeight(25), Rollouts.setWeight(5))
            .build();

    RuleVerdict verdict =
        evaluator.evaluate(policy, input(rollout, rollout.getSpec().template, NOW)).get(0);

    assertThat(verdict.verdict()).isEqualTo(Verdict.Denied);
    assertThat(verdict.value()).isEqualTo("first setWeight is 25%, more than 10%");
  }
}
