package io.rearguard.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rearguard.act.RecordWriter;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.RolloutPolicy;
import io.rearguard.api.RolloutPolicyStatus;
import io.rearguard.api.RolloutRecord;
import io.rearguard.evidence.ChainVerifier;
import io.rearguard.evidence.PolicyRecords;
import io.rearguard.policy.Policies;
import io.rearguard.testkit.MutableClock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Policy status and change records through the fabric8 mock API server. */
@EnableKubernetesMockClient(crud = true)
class PolicyHistoryTest {
  private static final String NAMESPACE = "shop";
  private static final String OPERATOR_NAMESPACE = "rearguard-system";
  private static final String CHAIN = "rolloutpolicy.pinned";

  KubernetesClient client;

  private final MutableClock clock = new MutableClock();
  private PolicyStatusPass pass;

  @BeforeEach
  void setUp() {
    pass = new PolicyStatusPass(new RecordWriter(client), OPERATOR_NAMESPACE, clock);
  }

  private RolloutPolicy createPolicy(String expression) {
    RolloutPolicy policy = Policies.policy("pinned", Policies.rule("images-pinned", expression));
    policy.getMetadata().setUid(null);
    policy
        .getMetadata()
        .setManagedFields(
            List.of(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubectl-client-side-apply")
                    .withOperation("Update")
                    .withTime("2024-01-01T00:00:00Z")
                    .build(),
                new ManagedFieldsEntryBuilder()
                    .withManager("rearguard")
                    .withOperation("Update")
                    .withSubresource("status")
                    .withTime("2024-01-02T00:00:00Z")
                    .build()));
    return client.resource(policy).create();
  }

  private RolloutPolicy current() {
    return client.resources(RolloutPolicy.class).inNamespace(NAMESPACE).withName("pinned").get();
  }

  private Optional<Duration> runPass() {
    return pass.run(current(), desired -> client.resource(desired).updateStatus());
  }

  private List<RolloutRecord> records(String namespace, String chain) {
    return client
        .resources(RolloutRecord.class)
        .inNamespace(namespace)
        .withLabel(RolloutRecord.ROLLOUT_LABEL, chain)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparingLong(r -> r.getSpec().sequence))
        .toList();
  }

  private void changeExpression(String expression) {
    RolloutPolicy policy = current();
    policy.getSpec().rules.get(0).expression = expression;
    policy.getMetadata().setGeneration(policy.getMetadata().getGeneration() + 1);
    client.resource(policy).update();
  }

  @Test
  void statusReportsCompiledRules() {
    createPolicy("revision.images.all(i, i.digest != '')");

    runPass();

    RolloutPolicyStatus status = current().getStatus();
    assertThat(status.observedGeneration).isEqualTo(1L);
    assertThat(status.rules).singleElement().satisfies(r -> assertThat(r.compiled).isTrue());
    assertThat(status.rulesHash).isEqualTo(PolicyRecords.rulesHash(current().getSpec()));
    assertThat(status.conditions)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("Compiled");
              assertThat(c.getObservedGeneration()).isEqualTo(1L);
            });
  }

  @Test
  void unparseableRuleReportsLineAndColumn() {
    createPolicy("revision.images.size() > 0 &&");

    runPass();

    RolloutPolicyStatus status = current().getStatus();
    RolloutPolicyStatus.RuleStatus rule = status.rules.get(0);
    assertThat(rule.compiled).isFalse();
    assertThat(rule.error).matches("expression 1:\\d+: .+");
    assertThat(status.conditions.get(0).getStatus()).isEqualTo("False");
    assertThat(status.conditions.get(0).getReason()).isEqualTo("CompileError");
    assertThat(status.conditions.get(0).getMessage()).contains("rule images-pinned: expression 1:");
  }

  @Test
  void creationIsRecordedOnce() {
    createPolicy("true");

    Optional<Duration> first = runPass();
    clock.advance(Duration.ofSeconds(1));
    Optional<Duration> second = runPass();

    assertThat(first).isPresent();
    assertThat(second).isEmpty();
    assertThat(current().getStatus().history.pending).isEmpty();
    List<RolloutRecord> records = records(NAMESPACE, CHAIN);
    assertThat(records).hasSize(1);
    var record = records.get(0).getSpec();
    assertThat(record.reason).isEqualTo(PolicyRecords.CREATED);
    assertThat(record.actor).isEqualTo("manager/kubectl-client-side-apply");
    assertThat(record.subject.kind).isEqualTo("RolloutPolicy");
    assertThat(record.subject.namespace).isEqualTo(NAMESPACE);
    assertThat(record.subject.name).isEqualTo("pinned");
    assertThat(record.policy.previousRulesHash).isNull();
    assertThat(record.policy.rulesHash).isEqualTo(current().getStatus().rulesHash);
    assertThat(record.policy.rules).containsExactly("images-pinned");
  }

  @Test
  void changeAndDeletionExtendTheChain() {
    createPolicy("true");
    runPass();
    String firstHash = current().getStatus().rulesHash;

    changeExpression("revision.images.size() > 0");
    runPass();
    runPass();
    String secondHash = current().getStatus().rulesHash;
    RolloutPolicy lastKnown = current();
    client.resource(lastKnown).delete();
    pass.deleted(lastKnown);

    List<RolloutRecord> records = records(NAMESPACE, CHAIN);
    assertThat(records)
        .extracting(r -> r.getSpec().reason)
        .containsExactly(PolicyRecords.CREATED, PolicyRecords.CHANGED, PolicyRecords.DELETED);
    var changed = records.get(1).getSpec();
    assertThat(changed.policy.previousRulesHash).isEqualTo(firstHash);
    assertThat(changed.policy.rulesHash).isEqualTo(secondHash).isNotEqualTo(firstHash);
    assertThat(changed.policy.generation).isEqualTo(2L);
    var deleted = records.get(2).getSpec();
    assertThat(deleted.policy.previousRulesHash).isEqualTo(secondHash);
    assertThat(deleted.policy.rulesHash).isNull();
    assertThat(deleted.actor).isEqualTo(PolicyRecords.UNKNOWN_ACTOR);
    ChainVerifier.Result result = ChainVerifier.verify(CHAIN, records, null);
    assertThat(result.intact()).as(String.valueOf(result.finding())).isTrue();
    assertThat(result.checked()).isEqualTo(3);
  }

  @Test
  void alteredPolicyRecordFailsVerification() {
    createPolicy("true");
    runPass();
    changeExpression("false");
    runPass();
    runPass();

    List<RolloutRecord> records = records(NAMESPACE, CHAIN);
    records.get(0).getSpec().actor = "manager/someone-else";
    ChainVerifier.Result result =
        ChainVerifier.verify(CHAIN, records, current().getStatus().history);

    assertThat(result.intact()).isFalse();
    assertThat(result.finding().orElseThrow().kind()).isEqualTo(ChainVerifier.Tampering.ALTERED);
  }

  @Test
  void recreatedPolicyContinuesItsChain() {
    createPolicy("true");
    runPass();
    RolloutPolicy lastKnown = current();
    client.resource(lastKnown).delete();
    pass.deleted(lastKnown);

    createPolicy("false");
    runPass();

    List<RolloutRecord> records = records(NAMESPACE, CHAIN);
    assertThat(records).extracting(r -> r.getSpec().sequence).containsExactly(1L, 2L, 3L);
    assertThat(ChainVerifier.verify(CHAIN, records, current().getStatus().history).intact())
        .isTrue();
  }

  @Test
  void clusterPolicyRecordsLiveInOperatorNamespace() {
    ClusterRolloutPolicy policy = new ClusterRolloutPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("frozen").withGeneration(1L).build());
    policy.getSpec().rules.add(Policies.rule("not-frozen", "!errorBudget.frozen"));
    ClusterRolloutPolicy created = client.resource(policy).create();

    pass.run(created, desired -> client.resource(desired).updateStatus());

    List<RolloutRecord> records = records(OPERATOR_NAMESPACE, "clusterrolloutpolicy.frozen");
    assertThat(records)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getSpec().subject.kind).isEqualTo("ClusterRolloutPolicy");
              assertThat(r.getSpec().subject.namespace).isNull();
            });
  }
}
