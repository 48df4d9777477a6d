package io.rearguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.RolloutPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code policy test}: verdicts of policy files against sample files, and its exit status. */
@EnableKubernetesMockClient(crud = true)
class PolicyTestCommandTest {
  private static final Path POLICIES = Path.of("../docs/examples/policies");
  private static final Path SAMPLES = Path.of("../docs/examples/policy-samples");

  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path folder;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli =
        RearguardCli.commandLine(options -> new Session(server.createClient(), "shop", "mock"));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private String write(String name, String text) throws Exception {
    Path file = folder.resolve(name);
    Files.writeString(file, text);
    return file.toString();
  }

  private static final String ROLLOUT =
      """
      apiVersion: rearguard.io/v1alpha1
      kind: Rollout
      metadata:
        name: checkout
        namespace: shop
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: checkout
        template:
          metadata:
            labels:
              app: checkout
          spec:
            containers:
              - name: app
                image: registry.example/checkout:2.0
        strategy:
          canary:
            steps:
              - setWeight: 50
      """;

  private static String policy(String name, String... rules) {
    StringBuilder text =
        new StringBuilder(
            """
            apiVersion: rearguard.io/v1alpha1
            kind: RolloutPolicy
            metadata:
              name: %s
              namespace: shop
            spec:
              rules:
            """
                .formatted(name));
    for (String rule : rules) {
      text.append(rule.indent(4));
    }
    return text.toString();
  }

  @Test
  void shippedSamplesGiveTheirDocumentedVerdicts() {
    record Case(String policy, int exit, List<String> lines) {}
    List<Case> cases =
        List.of(
            new Case(
                "images-pinned-by-digest",
                1,
                List.of(
                    "DENY   images-pinned-by-digest/images-pinned  value: "
                        + "[\"log-shipper=registry.example/log-shipper:2.1\"]")),
            new Case(
                "first-step-weight", 0, List.of("ALLOW  small-first-step/first-weight-at-most")),
            new Case(
                "freeze-window",
                1,
                List.of(
                    "DENY   year-end-freeze/outside-freeze-window  value: now is"
                        + " 2026-12-24T10:00:00Z, within the freeze")),
            new Case(
                "provenance-annotations",
                0,
                List.of(
                    "ALLOW  provenance-annotations/source-commit",
                    "ALLOW  provenance-annotations/build-id")));

    for (Case c : cases) {
      out.getBuffer().setLength(0);
      int exit =
          run(
              "policy",
              "test",
              POLICIES.resolve(c.policy() + ".yaml").toString(),
              "-f",
              SAMPLES.resolve(c.policy() + ".sample.yaml").toString());

      assertThat(exit).as(c.policy() + ": " + out + err).isEqualTo(c.exit());
      for (String line : c.lines()) {
        assertThat(out.toString()).as(c.policy()).contains(line);
      }
      assertThat(out.toString().lines().filter(l -> l.matches("^(ALLOW|DENY|ERROR) .*")))
          .as(c.policy())
          .hasSize(c.lines().size());
    }
  }

  @Test
  void denyingRuleExitsOneAndShowsValue() throws Exception {
    String file =
        write(
            "policy.yaml",
            policy(
                "pinned",
                """
                - name: images-pinned
                  expression: revision.images.all(i, i.digest != '')
                  valueExpression: revision.images.map(i, i.image)
                  message: pin every image
                """,
                """
                - name: has-app-label
                  expression: "'app' in revision.labels"
                """));

    int exit = run("policy", "test", file, "-f", write("sample.yaml", ROLLOUT));

    List<String> lines = out.toString().lines().toList();
    assertThat(exit).isEqualTo(1);
    assertThat(lines.get(0)).startsWith("Rollout shop/checkout at ");
    assertThat(lines.get(1))
        .isEqualTo(
            "DENY   pinned/images-pinned  value: [\"registry.example/checkout:2.0\"]  (pin every"
                + " image)");
    assertThat(lines.get(2)).isEqualTo("ALLOW  pinned/has-app-label");
    assertThat(lines.get(3)).isEqualTo("2 rules: 1 allow, 1 deny, 0 error");
  }

  @Test
  void ruleThatFailsAtRunTimeIsError() throws Exception {
    String file =
        write(
            "policy.yaml",
            policy(
                "owners",
                """
                - name: team-label
                  expression: revision.labels.team == 'payments'
                """,
                """
                - name: broken
                  expression: "revision.labels["
                """));

    int exit = run("policy", "test", file, "-f", write("sample.yaml", ROLLOUT));

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString())
        .containsPattern("(?m)^ERROR  owners/team-label  error: .*team")
        .containsPattern("(?m)^ERROR  owners/broken  error: the rule does not compile: 1:\\d+: ")
        .contains("2 rules: 0 allow, 0 deny, 2 error");
  }

  @Test
  void sampleFieldsReachTheRules() throws Exception {
    String file =
        write(
            "policy.yaml",
            policy(
                "inputs",
                """
                - name: before-new-year
                  expression: now < timestamp('2027-01-01T00:00:00Z')
                """,
                """
                - name: budget-left
                  expression: errorBudget.known && errorBudget.remaining > 50.0 && !errorBudget.frozen
                """,
                """
                - name: stable-exists
                  expression: stable.exists && stable.images[0].tag == '1.0'
                """));
    String sample =
        "rollout:\n"
            + ROLLOUT.indent(2)
            + """
            stable:
              spec:
                containers:
                  - name: app
                    image: registry.example/checkout:1.0
            now: "2026-12-31T23:59:59+00:00"
            errorBudget:
              remainingPercent: 75
              frozen: false
            """;

    int exit = run("policy", "test", file, "-f", write("sample.yaml", sample));

    assertThat(exit).as(out + "" + err).isZero();
    assertThat(out.toString())
        .contains("at 2026-12-31T23:59:59Z")
        .contains("3 rules: 3 allow, 0 deny, 0 error");
  }

  @Test
  void invalidSamplesExitTwo() throws Exception {
    String file = POLICIES.resolve("images-pinned-by-digest.yaml").toString();
    String[][] cases = {
      {"rollout:\n" + ROLLOUT.indent(2) + "when: now\n", "unknown field 'when'"},
      {"rollout:\n" + ROLLOUT.indent(2) + "now: tomorrow\n", "now must be an RFC 3339 time"},
      {"stable: {}\n", "rollout is missing"},
      {
        "rollout:\n" + ROLLOUT.indent(2) + "errorBudget: {remainingPercent: lots}\n",
        "errorBudget.remainingPercent must be a number"
      },
      {"rollout:\n  kind: Rollout\n  metadata: {name: x}\n", "has no spec.template"},
      {"- a\n- b\n", "expected a Rollout manifest or a map"},
      {"rollout: [\n", "not YAML"},
    };
    for (String[] c : cases) {
      err.getBuffer().setLength(0);

      int exit = run("policy", "test", file, "-f", write("sample.yaml", c[0]));

      assertThat(exit).as(c[1]).isEqualTo(2);
      assertThat(err.toString()).as(c[1]).contains(c[1]);
    }
  }

  @Test
  void invalidPolicyArgumentsExitTwo() throws Exception {
    String sample = write("sample.yaml", ROLLOUT);
    String rolloutAsPolicy = write("rollout.yaml", ROLLOUT);

    int missingFile = run("policy", "test", folder.resolve("nope.yaml").toString(), "-f", sample);
    String missingMessage = err.toString();
    err.getBuffer().setLength(0);
    int wrongKind = run("policy", "test", rolloutAsPolicy, "-f", sample);
    String wrongKindMessage = err.toString();
    err.getBuffer().setLength(0);
    int noSample = run("policy", "test", rolloutAsPolicy);

    assertThat(missingFile).isEqualTo(2);
    assertThat(missingMessage).contains("does not exist, and it is not a policy name either");
    assertThat(wrongKind).isEqualTo(2);
    assertThat(wrongKindMessage).contains("has kind 'Rollout'; expected RolloutPolicy");
    assertThat(noSample).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--filename=SAMPLE'");
  }

  @Test
  void policyNameIsReadFromCluster() throws Exception {
    RolloutPolicy stored =
        Serialization.unmarshal(
            policy(
                "labels",
                """
                - name: has-app-label
                  expression: "'app' in revision.labels"
                """),
            RolloutPolicy.class);
    client.resource(stored).create();
    String sample = write("sample.yaml", ROLLOUT);

    int found = run("policy", "test", "labels", "-f", sample, "-n", "shop");
    String foundOutput = out.toString();
    int missing = run("policy", "test", "other", "-f", sample, "-n", "shop");

    assertThat(found).as(foundOutput + err).isZero();
    assertThat(foundOutput).contains("ALLOW  labels/has-app-label");
    assertThat(missing).isEqualTo(1);
    assertThat(err.toString())
        .contains(
            "RolloutPolicy shop/other not found; for a ClusterRolloutPolicy add --cluster-scoped");
  }
}
