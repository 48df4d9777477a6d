package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutPolicy;
import io.rearguard.api.RolloutPolicyStatus;
import io.rearguard.api.RolloutRecord;
import io.rearguard.api.RolloutStatus;
import io.rearguard.evidence.ChainVerifier;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A RolloutPolicy gates a canary in a running cluster: the shipped images-pinned-by-digest example
 * pauses an unpinned canary before its first traffic, a pinned one goes on, and a change to the
 * policy is recorded in the policy's own hash chain.
 */
class PolicyLoopIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String POLICY = "images-pinned-by-digest";
  private static final String PINNED =
      "registry.example/shop@sha256:" + "0123456789abcdef".repeat(4);
  private static final String STEPS =
      """
      - setWeight: 50
      - pause: {}
      """;

  private static OperatorStack env;

  /** One sample: the canary revision and the ready pods of the canary and the stable revision. */
  private record Readiness(String canary, int canaryReady, int stableReady) {}

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-policy-loop-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void pinningPolicyGatesCanaryAndRecordsChanges() throws Exception {
    // given a healthy v1 and the shipped pinning policy in its namespace
    String namespace = E2eStack.createNamespace(env.client, "policy-loop");
    env.kubectl.apply(CanaryRollouts.rollout(namespace, "registry.example/shop:v1", 600, STEPS));
    String stable =
        env.awaitRollout(
                namespace,
                NAME,
                TIMEOUT,
                "v1 healthy",
                r -> r.getStatus().phase == RolloutPhase.Healthy)
            .getStatus()
            .stableRevision;
    env.kubectl.apply(policyManifest(namespace, ""));
    RolloutPolicyStatus created = awaitPolicy(namespace, 1);
    assertThat(readyCondition(created).getStatus()).isEqualTo("True");

    // when v2 with an unpinned image is rolled out
    List<Sampler.Sample<Readiness>> samples;
    RolloutStatus denied;
    try (Sampler<Readiness> sampler = sample(namespace, stable)) {
      env.kubectl.apply(CanaryRollouts.rollout(namespace, "registry.example/shop:v2", 600, STEPS));
      denied =
          env.awaitRollout(
                  namespace,
                  NAME,
                  TIMEOUT,
                  "v2 paused by the policy",
                  r -> "PolicyDenied".equals(r.getStatus().pauseReason))
              .getStatus();
      await("v2 stays paused without pods")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> "PolicyDenied".equals(env.rollout(namespace, NAME).getStatus().pauseReason));
      samples = sampler.samples();
    }

    // then it is Paused with PolicyCompliant=False naming the policy and the rule, no canary pod
    // was ever ready, and the stable revision kept its full capacity
    assertThat(denied.phase).isEqualTo(RolloutPhase.Paused);
    Condition compliant = condition(denied, "PolicyCompliant");
    assertThat(compliant.getStatus()).isEqualTo("False");
    assertThat(compliant.getReason()).isEqualTo("PolicyDenied");
    assertThat(compliant.getMessage())
        .contains("RolloutPolicy " + namespace + "/" + POLICY + " rule images-pinned")
        .contains("registry.example/shop:v2");
    assertThat(samples).isNotEmpty();
    assertThat(samples).allSatisfy(s -> assertThat(s.value().canaryReady()).isZero());
    assertThat(samples).allSatisfy(s -> assertThat(s.value().stableReady()).isEqualTo(4));
    assertThat(
            NamespaceReads.specByRevision(env.client, namespace)
                .getOrDefault(denied.canaryRevision, 0))
        .isZero();

    // when the image is pinned by a digest
    env.kubectl.apply(CanaryRollouts.rollout(namespace, PINNED, 600, STEPS));

    // then the canary goes on to its pause step with ready pods and PolicyCompliant=True
    RolloutStatus allowed =
        env.awaitRollout(
                namespace,
                NAME,
                TIMEOUT,
                "pinned v2 at its pause step",
                r ->
                    "PausedByStep".equals(r.getStatus().pauseReason)
                        && r.getStatus().canaryReadyReplicas != null
                        && r.getStatus().canaryReadyReplicas > 0)
            .getStatus();
    assertThat(allowed.canaryRevision).isNotEqualTo(denied.canaryRevision);
    assertThat(condition(allowed, "PolicyCompliant").getStatus()).isEqualTo("True");

    // when the policy is changed
    env.kubectl.apply(policyManifest(namespace, " (changed)"));

    // then its chain has a creation and a change record, and it verifies
    RolloutPolicyStatus changed = awaitPolicy(namespace, 2);
    String chain = "rolloutpolicy." + POLICY;
    List<RolloutRecord> records = RecordFixtures.records(env.client, namespace, chain);
    assertThat(records)
        .extracting(r -> r.getSpec().reason)
        .containsExactly("PolicyCreated", "PolicyChanged");
    var change = records.get(1).getSpec();
    assertThat(change.subject.kind).isEqualTo("RolloutPolicy");
    assertThat(change.subject.name).isEqualTo(POLICY);
    assertThat(change.actor).startsWith("manager/kubectl");
    assertThat(change.policy.previousRulesHash).isEqualTo(created.rulesHash);
    assertThat(change.policy.rulesHash)
        .isEqualTo(changed.rulesHash)
        .isNotEqualTo(created.rulesHash);
    assertThat(change.policy.rules).containsExactly("images-pinned");
    ChainVerifier.Result result = ChainVerifier.verify(chain, records, changed.history);
    assertThat(result.intact()).as(String.valueOf(result.finding())).isTrue();
    assertThat(result.checked()).isEqualTo(2);
  }

  /**
   * Returns the shipped example policy, moved to {@code namespace}, with a suffix on its message.
   */
  private static String policyManifest(String namespace, String messageSuffix) throws Exception {
    String text =
        Files.readString(env.stack.root().resolve("docs/examples/policies/" + POLICY + ".yaml"));
    return text.replace("namespace: shop", "namespace: " + namespace)
        .replace("(image@sha256:...)", "(image@sha256:...)" + messageSuffix);
  }

  /** Waits until the policy's status is at {@code generation} with every record stored. */
  private static RolloutPolicyStatus awaitPolicy(String namespace, long generation) {
    RolloutPolicyStatus[] last = new RolloutPolicyStatus[1];
    await("policy status at generation " + generation)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              RolloutPolicy policy =
                  env.client
                      .resources(RolloutPolicy.class)
                      .inNamespace(namespace)
                      .withName(POLICY)
                      .get();
              last[0] = policy.getStatus();
              return last[0] != null
                  && Long.valueOf(generation).equals(last[0].observedGeneration)
                  && last[0].history != null
                  && last[0].history.lastSequence == generation
                  && last[0].history.pending.isEmpty();
            });
    return last[0];
  }

  private static Sampler<Readiness> sample(String namespace, String stable) {
    return Sampler.start(
        "policy-" + namespace,
        Duration.ofMillis(100),
        () -> {
          RolloutStatus status = env.rollout(namespace, NAME).getStatus();
          String canary = status == null ? null : status.canaryRevision;
          Map<String, Integer> ready = NamespaceReads.readyByRevision(env.client, namespace);
          return new Readiness(
              canary,
              canary == null ? 0 : ready.getOrDefault(canary, 0),
              ready.getOrDefault(stable, 0));
        });
  }

  private static Condition readyCondition(RolloutPolicyStatus status) {
    return status.conditions.stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  private static Condition condition(RolloutStatus status, String type) {
    return status.conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }
}
