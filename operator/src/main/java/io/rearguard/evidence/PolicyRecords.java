package io.rearguard.evidence;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.rearguard.api.PolicyRule;
import io.rearguard.api.RecordPolicyChange;
import io.rearguard.api.RecordSubject;
import io.rearguard.api.RolloutPolicySpec;
import io.rearguard.api.RolloutRecordSpec;
import io.rearguard.policy.PolicyRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the change records of policies. Each policy has its own chain, named by {@link
 * #chainName}, in the policy's namespace, or in the operator's namespace for a
 * ClusterRolloutPolicy. The records are not yet chained: {@link RecordOutbox#append} numbers and
 * hashes them.
 */
public final class PolicyRecords {
  /** Reason of the record of a policy seen for the first time. */
  public static final String CREATED = "PolicyCreated";

  /** Reason of the record of a policy whose generation or rules hash moved. */
  public static final String CHANGED = "PolicyChanged";

  /** Reason of the record of a deleted policy. */
  public static final String DELETED = "PolicyDeleted";

  /** Actor of a deletion: a delete event carries the last state, not who deleted the policy. */
  public static final String UNKNOWN_ACTOR = "unknown";

  private PolicyRecords() {}

  /**
   * Returns the name of a policy's chain: its lowercase kind, a dot and its name, such as {@code
   * rolloutpolicy.images-pinned-by-digest}. It is used as the records' {@code spec.rollout} field,
   * label and resource names.
   */
  public static String chainName(PolicyRef policy) {
    return policy.kind().toLowerCase(Locale.ROOT) + "." + policy.name();
  }

  /**
   * Returns the SHA-256 (lowercase hex) of the canonical JSON of a spec's rules and parameters, so
   * a selector change does not move it.
   */
  public static String rulesHash(RolloutPolicySpec spec) {
    Map<String, Object> content = new LinkedHashMap<>();
    content.put("rules", spec == null || spec.rules == null ? List.of() : spec.rules);
    content.put("parameters", spec == null || spec.parameters == null ? Map.of() : spec.parameters);
    return RecordHashing.hashOf(content);
  }

  /**
   * Returns who made the latest change to the spec: {@code manager/<field manager>} of the newest
   * managedFields entry that is not about a subresource such as status, or {@link #UNKNOWN_ACTOR}
   * when there is none. A field manager names a client program (kubectl, a CI tool), not a user.
   */
  public static String actor(ObjectMeta metadata) {
    List<ManagedFieldsEntry> entries =
        metadata == null || metadata.getManagedFields() == null
            ? List.of()
            : metadata.getManagedFields();
    Optional<ManagedFieldsEntry> latest =
        entries.stream()
            .filter(e -> e.getSubresource() == null || e.getSubresource().isEmpty())
            .filter(e -> e.getManager() != null)
            .max(Comparator.comparing(e -> e.getTime() == null ? "" : e.getTime()));
    return latest.map(e -> "manager/" + e.getManager()).orElse(UNKNOWN_ACTOR);
  }

  /**
   * Returns an unchained record of a policy change.
   *
   * @param reason {@link #CREATED}, {@link #CHANGED} or {@link #DELETED}
   * @param previousRulesHash the rules hash before the change, null when there is none
   * @param rulesHash the rules hash after the change, null for a deletion
   */
  public static RolloutRecordSpec build(
      PolicyRef policy,
      RolloutPolicySpec spec,
      String reason,
      String actor,
      String previousRulesHash,
      String rulesHash,
      Instant now) {
    RolloutRecordSpec record = new RolloutRecordSpec();
    record.rollout = chainName(policy);
    record.time = now.toString();
    record.actor = actor;
    record.reason = reason;
    record.subject = new RecordSubject();
    record.subject.kind = policy.kind();
    record.subject.namespace = policy.namespace();
    record.subject.name = policy.name();
    record.subject.uid = policy.uid();
    record.policy = new RecordPolicyChange();
    record.policy.generation = policy.generation();
    record.policy.previousRulesHash = previousRulesHash;
    record.policy.rulesHash = rulesHash;
    record.policy.rules = ruleNames(spec);
    record.message = message(policy, reason, previousRulesHash, rulesHash, record.policy.rules);
    return record;
  }

  private static List<String> ruleNames(RolloutPolicySpec spec) {
    List<String> names = new ArrayList<>();
    if (spec != null && spec.rules != null) {
      spec.rules.stream().map((PolicyRule rule) -> rule.name).forEach(names::add);
    }
    return names;
  }

  private static String message(
      PolicyRef policy,
      String reason,
      String previousRulesHash,
      String rulesHash,
      List<String> rules) {
    String what =
        switch (reason) {
          case CREATED -> " created";
          case DELETED -> " deleted";
          default -> " changed to generation " + policy.generation();
        };
    return policy.display()
        + what
        + ": rules hash from "
        + (previousRulesHash == null ? "none" : previousRulesHash)
        + " to "
        + (rulesHash == null ? "none" : rulesHash)
        + "; rules "
        + String.join(", ", rules);
  }
}
