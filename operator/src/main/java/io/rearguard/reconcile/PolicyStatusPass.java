package io.rearguard.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.PolicyRule;
import io.rearguard.api.RecordHistory;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPolicySpec;
import io.rearguard.api.RolloutPolicyStatus;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.evidence.PolicyRecords;
import io.rearguard.evidence.RecordHashing;
import io.rearguard.evidence.RecordOutbox;
import io.rearguard.evidence.RecordStore;
import io.rearguard.policy.PolicyCompiler;
import io.rearguard.policy.PolicyRef;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles a policy and writes its status (observedGeneration, the compile result of each rule,
 * rulesHash, condition Ready), and keeps its chain of change records. A change record goes into
 * {@code status.history.pending} in the same status write that moves observedGeneration, and the
 * RolloutRecord is created after that write, like a Rollout's records, so a crash between the two
 * loses no record.
 */
public class PolicyStatusPass {
  /** Condition type of a policy. */
  public static final String READY = "Ready";

  /** Reason of Ready=True. */
  public static final String COMPILED = "Compiled";

  /** Reason of Ready=False. */
  public static final String COMPILE_ERROR = "CompileError";

  /** Next look while records wait in the pending list. */
  static final Duration PENDING_RECHECK = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(PolicyStatusPass.class);

  private final RecordStore store;
  private final String clusterRecordNamespace;
  private final Clock clock;

  /**
   * Creates a pass.
   *
   * @param clusterRecordNamespace namespace of the change records of ClusterRolloutPolicies
   */
  public PolicyStatusPass(RecordStore store, String clusterRecordNamespace, Clock clock) {
    this.store = store;
    this.clusterRecordNamespace = clusterRecordNamespace;
    this.clock = clock;
  }

  /**
   * Writes the status when it changed, stores pending records and returns when to look again: empty
   * when no record is pending.
   *
   * @param statusWriter writes a policy carrying the new status, with optimistic locking, and
   *     returns the stored policy
   */
  public <P extends HasMetadata & PolicyResource> Optional<Duration> run(
      P policy, UnaryOperator<P> statusWriter) {
    RolloutPolicyStatus before = policy.policyStatus();
    RolloutPolicyStatus next = nextStatus(policy);
    P stored = policy;
    if (!sameContent(before, next)) {
      @SuppressWarnings("unchecked")
      P desired = (P) Serialization.clone(policy);
      desired.policyStatus(next);
      stored = statusWriter.apply(desired);
    }
    RecordHistory history = stored.policyStatus() == null ? null : stored.policyStatus().history;
    if (history == null || history.pending.isEmpty()) {
      return Optional.empty();
    }
    Rollout holder = chainHolder(PolicyRef.of(stored));
    history.pending.forEach(record -> store.ensureWritten(holder, record));
    return Optional.of(PENDING_RECHECK);
  }

  /**
   * Stores the record of a deleted policy, after the records still pending in its last known
   * status. Nothing is written to the policy, which is gone. A record that cannot be stored now is
   * logged and lost, because no status keeps it for a retry.
   */
  public void deleted(PolicyResource policy) {
    PolicyRef ref = PolicyRef.of(policy);
    Rollout holder = chainHolder(ref);
    RolloutPolicyStatus last = policy.policyStatus();
    RecordHistory history =
        last == null || last.history == null ? store.adopt(holder) : copy(last.history);
    String previous = last == null ? null : last.rulesHash;
    RolloutRecordSpec record =
        PolicyRecords.build(
            ref,
            policy.policySpec(),
            PolicyRecords.DELETED,
            PolicyRecords.UNKNOWN_ACTOR,
            previous == null ? PolicyRecords.rulesHash(policy.policySpec()) : previous,
            null,
            clock.instant());
    RecordOutbox.append(history, record);
    for (RolloutRecordSpec pending : history.pending) {
      if (!store.ensureWritten(holder, pending)) {
        LOG.error(
            "could not store record {} of deleted {}; it is lost", pending.sequence, ref.display());
      }
    }
    LOG.info("{} deleted; recorded as sequence {}", ref.display(), record.sequence);
  }

  /** Returns the status for the policy's current spec, with a change record staged when due. */
  <P extends HasMetadata & PolicyResource> RolloutPolicyStatus nextStatus(P policy) {
    PolicyRef ref = PolicyRef.of(policy);
    RolloutPolicySpec spec = policy.policySpec();
    RolloutPolicyStatus before = policy.policyStatus();
    RolloutPolicyStatus next = new RolloutPolicyStatus();
    next.observedGeneration = ref.generation();
    next.rulesHash = PolicyRecords.rulesHash(spec);
    next.rules = ruleStatuses(spec);
    next.conditions = new ArrayList<>();
    next.conditions.add(ready(next, before, ref.generation()));

    Rollout holder = chainHolder(ref);
    RecordHistory history =
        before == null || before.history == null ? store.adopt(holder) : copy(before.history);
    history.pending.removeIf(record -> store.ensureWritten(holder, record));
    String reason = changeReason(before, next);
    if (reason != null) {
      RolloutRecordSpec record =
          PolicyRecords.build(
              ref,
              spec,
              reason,
              PolicyRecords.actor(policy.getMetadata()),
              before == null ? null : before.rulesHash,
              next.rulesHash,
              clock.instant());
      RecordOutbox.append(history, record);
      LOG.info("recorded as sequence {}: {}", record.sequence, record.message);
    }
    next.history = history;
    return next;
  }

  /** Returns the reason of the record due for this status, or null when none is due. */
  private static String changeReason(RolloutPolicyStatus before, RolloutPolicyStatus next) {
    if (before == null || before.observedGeneration == null) {
      return PolicyRecords.CREATED;
    }
    boolean moved =
        !Objects.equals(before.observedGeneration, next.observedGeneration)
            || !Objects.equals(before.rulesHash, next.rulesHash);
    return moved ? PolicyRecords.CHANGED : null;
  }

  private static List<RolloutPolicyStatus.RuleStatus> ruleStatuses(RolloutPolicySpec spec) {
    List<RolloutPolicyStatus.RuleStatus> statuses = new ArrayList<>();
    List<PolicyRule> rules = spec == null || spec.rules == null ? List.of() : spec.rules;
    for (PolicyRule rule : rules) {
      List<String> errors = PolicyCompiler.validate(rule);
      RolloutPolicyStatus.RuleStatus status = new RolloutPolicyStatus.RuleStatus();
      status.name = rule.name;
      status.compiled = errors.isEmpty();
      status.error = errors.isEmpty() ? null : errors.get(0);
      statuses.add(status);
    }
    return statuses;
  }

  /** Returns condition Ready; its lastTransitionTime moves only when its status changes. */
  private Condition ready(RolloutPolicyStatus next, RolloutPolicyStatus before, long generation) {
    List<String> failures = new ArrayList<>();
    for (RolloutPolicyStatus.RuleStatus rule : next.rules) {
      if (!rule.compiled) {
        failures.add("rule " + rule.name + ": " + rule.error);
      }
    }
    boolean ready = failures.isEmpty();
    String status = ready ? "True" : "False";
    String transition = clock.instant().toString();
    if (before != null && before.conditions != null) {
      for (Condition old : before.conditions) {
        if (READY.equals(old.getType()) && status.equals(old.getStatus())) {
          transition = old.getLastTransitionTime();
        }
      }
    }
    return new ConditionBuilder()
        .withType(READY)
        .withStatus(status)
        .withReason(ready ? COMPILED : COMPILE_ERROR)
        .withMessage(
            ready
                ? "all " + next.rules.size() + " rules compile"
                : "rules that do not compile, which deny every canary: "
                    + String.join("; ", failures))
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }

  /**
   * Returns the stand-in Rollout by which {@link RecordStore} addresses a policy's chain: the store
   * reads a chain's namespace and name from a Rollout's metadata.
   */
  Rollout chainHolder(PolicyRef policy) {
    Rollout holder = new Rollout();
    holder.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(policy.namespace() == null ? clusterRecordNamespace : policy.namespace())
            .withName(PolicyRecords.chainName(policy))
            .build());
    return holder;
  }

  private static RecordHistory copy(RecordHistory history) {
    RecordHistory copy = Serialization.clone(history);
    if (copy.pending == null) {
      copy.pending = new ArrayList<>();
    }
    copy.pending.replaceAll(RecordHashing::copy);
    return copy;
  }

  private static boolean sameContent(RolloutPolicyStatus left, RolloutPolicyStatus right) {
    return left != null && Serialization.asJson(left).equals(Serialization.asJson(right));
  }
}
