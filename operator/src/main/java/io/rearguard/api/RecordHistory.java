package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Position of the Rollout's chain of RolloutRecords. The operator adds a new record to {@code
 * pending} in the same status write that records the transition, creates the RolloutRecord after
 * that write, and removes it from {@code pending} in a later pass once it is confirmed stored. A
 * crash between the two writes therefore loses no record.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecordHistory {

  @JsonPropertyDescription("Sequence number of the newest record; 0 before the first one.")
  public long lastSequence;

  @JsonPropertyDescription("Hash of the newest record; absent before the first one.")
  public String lastHash;

  @JsonPropertyDescription(
      "Records up to and including this sequence were deleted by retention, so a chain that"
          + " starts right after it is complete. Absent when nothing was deleted.")
  public Long prunedThrough;

  @JsonPropertyDescription(
      "Records decided but not yet confirmed as stored RolloutRecords, oldest first.")
  public List<RolloutRecordSpec> pending = new ArrayList<>();
}
