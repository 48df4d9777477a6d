package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** A revision named in a RolloutRecord. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecordRevision {

  @JsonPropertyDescription("Revision (pod template hash).")
  public String revision;

  @JsonPropertyDescription(
      "Image references of the revision's containers, init containers first; absent when neither"
          + " its ReplicaSet nor the current pod template shows them.")
  public List<String> images;
}
