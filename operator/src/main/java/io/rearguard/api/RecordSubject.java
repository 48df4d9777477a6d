package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The resource that a record is about when it is not a Rollout, such as a RolloutPolicy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecordSubject {
  @JsonPropertyDescription("Kind of the resource: RolloutPolicy or ClusterRolloutPolicy.")
  public String kind;

  @JsonPropertyDescription("Namespace of the resource; absent for a cluster-scoped resource.")
  public String namespace;

  @JsonPropertyDescription("Name of the resource.")
  public String name;

  @JsonPropertyDescription("UID of the resource when the record was made.")
  public String uid;
}
