package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Content of a RolloutRecord. The hash covers every field except itself, so any later change to a
 * stored record is detectable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutRecordSpec {

  @JsonPropertyDescription(
      "Name of the Rollout in the same namespace. For a policy's records, the name of the"
          + " policy's chain: the lowercase kind, a dot and the policy's name, such as"
          + " rolloutpolicy.images-pinned-by-digest (see subject).")
  @Required
  public String rollout;

  @JsonPropertyDescription(
      "The resource the record is about when it is not a Rollout, such as a RolloutPolicy;"
          + " absent for a Rollout's records.")
  public RecordSubject subject;

  @JsonPropertyDescription("For a policy's records: the rules hash before and after the change.")
  public RecordPolicyChange policy;

  @JsonPropertyDescription("UID of the Rollout when the record was made.")
  public String rolloutUid;

  @JsonPropertyDescription(
      "Position in the Rollout's chain of records, from 1 without gaps. It is part of the name.")
  @Required
  @Min(1)
  public Long sequence;

  @JsonPropertyDescription("When the operator decided the transition (RFC 3339).")
  public String time;

  @JsonPropertyDescription(
      "Phase and step before the reconcile pass that made the transition. A pass can make"
          + " several transitions; they all share this state.")
  public RecordState from;

  @JsonPropertyDescription("Phase and step after the reconcile pass that made the transition.")
  public RecordState to;

  @JsonPropertyDescription("Stable revision after the transition, with its image references.")
  public RecordRevision stable;

  @JsonPropertyDescription(
      "Canary revision the transition concerns, with its image references: the canary in"
          + " progress after it, or the one it ended (promoted, reverted or replaced).")
  public RecordRevision canary;

  @JsonPropertyDescription(
      "Who decided: 'operator' for an automatic decision, or 'command/<name> by <requester>'.")
  public String actor;

  @JsonPropertyDescription("Reason code, UpperCamelCase, as in the Event.")
  public String reason;

  @JsonPropertyDescription("What changed, worded as from A to B.")
  public String message;

  @JsonPropertyDescription(
      "The numbers behind an automatic decision: the abort message and the last measurement of"
          + " each analysis run it was based on. Absent for manual and routine transitions.")
  public RecordEvidence evidence;

  @JsonPropertyDescription(
      "Hash of the record with the previous sequence; absent for the first record of a chain.")
  public String previousHash;

  @JsonPropertyDescription(
      "SHA-256 (lowercase hex) of this spec's canonical JSON: keys sorted, null members left"
          + " out, no whitespace, and the hash member itself excluded.")
  public String hash;
}
