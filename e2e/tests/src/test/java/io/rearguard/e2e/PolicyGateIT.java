package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutPolicy;
import io.rearguard.e2e.RecordFixtures.PluginResult;
import io.rearguard.policy.PolicyCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Policy gates on the real API server, with the operator's admission webhook registered: a denied
 * canary gets no traffic, a freeze window holds a canary until it ends, a policy that does not
 * compile is rejected by the API server, and {@code kubectl rearguard policy test} gives the
 * operator's verdicts. The operator reports a denial as pause reason PolicyDenied, condition
 * PolicyCompliant=False and an Event naming the policy and the rule.
 */
class PolicyGateIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String NAME = "shop";
  private static final String POLICY_DENIED = "PolicyDenied";
  private static final String POLICY_COMPLIANT = "PolicyCompliant";
  private static final String PINNED_V1 = "registry.example/shop@sha256:" + "a1".repeat(32);
  private static final Path EXAMPLES = Path.of("docs/examples/policies");

  private static PolicyWebhookFixture webhook;
  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    E2eStack stack = E2eStack.fromEnvironment();
    webhook = PolicyWebhookFixture.prepare(stack);
    env = new OperatorStack("operator-policy-gate-it", webhook.operatorEnvironment());
    webhook.register(env.stack, env.client);
  }

  @AfterAll
  static void stop() throws Exception {
    if (webhook != null) {
      webhook.close(env == null ? null : env.client);
    }
    if (env != null) {
      env.client.resources(ClusterRolloutPolicy.class).withLabel("rearguard.io/e2e").delete();
      env.close();
    }
  }

  /** Returns a shipped example policy moved to a namespace. */
  private static String example(String file, String namespace) throws Exception {
    return Files.readString(env.stack.root().resolve(EXAMPLES).resolve(file))
        .replace("namespace: shop", "namespace: " + namespace);
  }

  private static String rollout(String namespace, String image, String finalPause) {
    return RolloutManifests.rollout(
        namespace, NAME, image, env.stack.prometheusAddress(), finalPause);
  }

  private static String withTemplateAnnotations(String rollout, Map<String, String> annotations) {
    StringBuilder block = new StringBuilder("  template:\n    metadata:\n      annotations:\n");
    annotations.forEach(
        (key, value) ->
            block.append("        ").append(key).append(": \"").append(value).append("\"\n"));
    return rollout.replace("  template:\n    metadata:\n", block.toString());
  }

  private static Rollout deployHealthy(String namespace, String manifest) throws Exception {
    env.kubectl.apply(manifest);
    return env.awaitRollout(
        namespace, NAME, TIMEOUT, "v1 healthy", r -> r.getStatus().phase == RolloutPhase.Healthy);
  }

  private static Rollout awaitPolicyDenied(String namespace, Duration timeout) {
    return env.awaitRollout(
        namespace,
        NAME,
        timeout,
        "v2 paused by a policy",
        r -> POLICY_DENIED.equals(r.getStatus().pauseReason));
  }

  private static Condition condition(Rollout rollout, String type) {
    return rollout.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /** Returns the Events about the Rollout whose message names the policy. */
  private static List<Event> policyEvents(String namespace, String policy) {
    return NamespaceReads.events(env.client, namespace).stream()
        .filter(e -> NAME.equals(e.getInvolvedObject().getName()))
        .filter(e -> e.getMessage() != null && e.getMessage().contains(policy))
        .toList();
  }

  @Test
  void unpinnedImageGetsNoTraffic() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "policy-pinned");
    Rollout v1 = deployHealthy(namespace, rollout(namespace, PINNED_V1, "{}"));
    String stable = v1.getStatus().stableRevision;
    env.kubectl.apply(example("images-pinned-by-digest.yaml", namespace));
    Rollout paused;
    List<Sampler.Sample<Map<String, Integer>>> samples;
    try (Sampler<Map<String, Integer>> ready =
        Sampler.start(
            "ready-pods",
            Duration.ofMillis(200),
            () -> NamespaceReads.readyByRevision(env.client, namespace))) {
      env.kubectl.apply(rollout(namespace, "registry.example/shop:v2", "{}"));
      paused = awaitPolicyDenied(namespace, TIMEOUT);
      // Keep sampling a while: a stopped canary must stay stopped.
      Thread.sleep(5_000);
      samples = ready.samples();
    }
    Condition compliant = condition(paused, POLICY_COMPLIANT);
    List<Event> events = policyEvents(namespace, "images-pinned-by-digest");

    assertThat(paused.getStatus().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(paused.getStatus().canaryWeight).isIn(null, 0);
    assertThat(paused.getStatus().stableRevision).isEqualTo(stable);
    assertThat(compliant).as("condition " + POLICY_COMPLIANT).isNotNull();
    assertThat(compliant.getStatus()).isEqualTo("False");
    assertThat(compliant.getMessage())
        .contains("images-pinned-by-digest")
        .contains("images-pinned")
        .contains("registry.example/shop:v2");
    assertThat(events).as("Events naming the policy").isNotEmpty();
    assertThat(events).extracting(Event::getReason).contains(POLICY_DENIED);
    assertThat(events).extracting(Event::getMessage).anyMatch(m -> m.contains("images-pinned"));
    assertThat(samples).hasSizeGreaterThan(10);
    for (var sample : samples) {
      Map<String, Integer> counts = new LinkedHashMap<>(sample.value());
      Integer stableReady = counts.remove(stable);
      assertThat(stableReady).as("stable ready at " + sample.time()).isEqualTo(4);
      assertThat(counts.values())
          .as("ready canary pods at " + sample.time())
          .allMatch(count -> count == 0);
    }
  }

  @Test
  void freezeWindowHoldsThenReleases() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "policy-freeze");
    env.client
        .namespaces()
        .withName(namespace)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("rearguard.io/freeze", namespace);
              return n;
            });
    String stable =
        deployHealthy(namespace, rollout(namespace, "registry.example/shop:v1", "{duration: 2s}"))
            .getStatus()
            .stableRevision;
    Instant freezeStart = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Instant freezeEnd = freezeStart.plusSeconds(30);
    String policy =
        Files.readString(env.stack.root().resolve(EXAMPLES).resolve("freeze-window.yaml"))
            .replace(
                "name: year-end-freeze",
                "name: freeze-" + namespace + "\n  labels:\n    rearguard.io/e2e: \"true\"")
            .replace("rearguard.io/freeze: year-end", "rearguard.io/freeze: " + namespace)
            .replace("2026-12-20T00:00:00Z", freezeStart.toString())
            .replace("2027-01-04T00:00:00Z", freezeEnd.toString());
    env.kubectl.apply(policy);
    Rollout frozen;
    Rollout promoted;
    List<Sampler.Sample<Map<String, Integer>>> samples;
    try (Sampler<Map<String, Integer>> ready =
        Sampler.start(
            "ready-pods",
            Duration.ofMillis(250),
            () -> NamespaceReads.readyByRevision(env.client, namespace))) {
      env.kubectl.apply(rollout(namespace, "registry.example/shop:v2", "{duration: 2s}"));
      frozen = awaitPolicyDenied(namespace, Duration.between(Instant.now(), freezeEnd));
      promoted =
          env.awaitRollout(
              namespace,
              NAME,
              TIMEOUT,
              "v2 promoted after the freeze",
              r ->
                  r.getStatus().phase == RolloutPhase.Healthy
                      && !stable.equals(r.getStatus().stableRevision));
      samples = ready.samples();
    }
    Instant firstCanaryReady =
        samples.stream()
            .filter(
                s ->
                    s.value().entrySet().stream()
                        .anyMatch(e -> !e.getKey().equals(stable) && e.getValue() > 0))
            .map(Sampler.Sample::time)
            .findFirst()
            .orElse(null);

    assertThat(frozen.getStatus().phase).isEqualTo(RolloutPhase.Paused);
    assertThat(condition(frozen, POLICY_COMPLIANT).getMessage()).contains("outside-freeze-window");
    assertThat(firstCanaryReady).as("first ready canary pod").isNotNull();
    assertThat(firstCanaryReady).isAfterOrEqualTo(freezeEnd);
    assertThat(condition(promoted, POLICY_COMPLIANT))
        .as("PolicyCompliant is removed once no canary is in progress")
        .isNull();
    assertThat(env.client.resources(RolloutCommand.class).inNamespace(namespace).list().getItems())
        .as("no command was needed")
        .isEmpty();
  }

  @Test
  void policyWithSyntaxErrorIsRejected() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "policy-syntax");
    String expression = "revision.images.all(i,\n  i.digest.matches('^sha256:')) &&\n";
    PolicyCompiler.CompileError expected = PolicyCompiler.compileRule(expression).errors().get(0);
    String broken =
        """
        apiVersion: rearguard.io/v1alpha1
        kind: RolloutPolicy
        metadata:
          name: broken
          namespace: %s
        spec:
          rules:
            - name: ok
              expression: "true"
            - name: images-pinned
              expression: |
        %s"""
            .formatted(namespace, expression.indent(8));

    Kubectl.Result rejected = env.kubectl.run(broken, "apply", "-f", "-");
    Kubectl.Result accepted =
        env.kubectl.run(example("images-pinned-by-digest.yaml", namespace), "apply", "-f", "-");

    assertThat(expected.line()).isGreaterThan(1);
    assertThat(rejected.exitCode()).isNotZero();
    assertThat(rejected.output())
        .contains("admission webhook \"policies.rearguard.io\" denied the request")
        .contains("RolloutPolicy " + namespace + "/broken is invalid")
        .contains("rule \"images-pinned\": expression " + expected.line() + ":" + expected.column())
        .doesNotContain("rule \"ok\"");
    assertThat(
            env.client
                .resources(RolloutPolicy.class)
                .inNamespace(namespace)
                .withName("broken")
                .get())
        .isNull();
    assertThat(accepted.exitCode()).as(accepted.output()).isZero();
  }

  @Test
  void pluginVerdictsMatchOperator() throws Exception {
    String namespace = E2eStack.createNamespace(env.client, "policy-plugin");
    String commit = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    deployHealthy(
        namespace,
        withTemplateAnnotations(
            rollout(namespace, "registry.example/shop:v1", "{}"),
            Map.of(
                "provenance.rearguard.io/source-commit",
                commit,
                "provenance.rearguard.io/build-id",
                "ci-1")));
    String policy = example("provenance-annotations.yaml", namespace);
    env.kubectl.apply(policy);
    env.kubectl.apply(
        withTemplateAnnotations(
            rollout(namespace, "registry.example/shop:v2", "{}"),
            Map.of("provenance.rearguard.io/source-commit", commit)));
    Rollout paused = awaitPolicyDenied(namespace, TIMEOUT);
    Path policyFile = Files.createTempFile(env.stack.stateDir(), "policy-", ".yaml");
    Path sampleFile = Files.createTempFile(env.stack.stateDir(), "sample-", ".yaml");
    Files.writeString(policyFile, policy);
    Files.writeString(sampleFile, Serialization.asYaml(env.rollout(namespace, NAME)));

    PluginResult plugin =
        RecordFixtures.plugin(
            env.stack,
            "admin",
            namespace,
            "policy",
            "test",
            policyFile.toString(),
            "-f",
            sampleFile.toString());

    Files.delete(policyFile);
    Files.delete(sampleFile);
    Map<String, String> verdicts = new LinkedHashMap<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : plugin.stdout().lines().toList()) {
      var match =
          java.util.regex.Pattern.compile(
                  "^(ALLOW|DENY|ERROR)\\s+provenance-annotations/(\\S+)(?:  value: (.*?))?(?:  \\(.*\\))?$")
              .matcher(line);
      if (match.matches()) {
        verdicts.put(match.group(2), match.group(1));
        values.put(match.group(2), Objects.toString(match.group(3), ""));
      }
    }
    String operatorReport =
        condition(paused, POLICY_COMPLIANT).getMessage()
            + "\n"
            + String.join(
                "\n",
                policyEvents(namespace, "provenance-annotations").stream()
                    .map(Event::getMessage)
                    .toList());

    assertThat(plugin.exitCode()).as(plugin.output()).isEqualTo(1);
    assertThat(verdicts).containsOnlyKeys("source-commit", "build-id");
    assertThat(verdicts).containsEntry("source-commit", "ALLOW").containsEntry("build-id", "DENY");
    for (var verdict : verdicts.entrySet()) {
      String rule = verdict.getKey();
      if (verdict.getValue().equals("ALLOW")) {
        assertThat(operatorReport).as("operator report on " + rule).doesNotContain("rule " + rule);
      } else {
        assertThat(operatorReport)
            .as("operator report on " + rule)
            .contains(rule)
            .contains(values.get(rule));
      }
    }
  }
}
