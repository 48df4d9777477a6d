package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Provenance of a revision: its template hash, images with digests, provenance annotations. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RevisionProvenance {

  @JsonPropertyDescription("Revision (pod template hash).")
  public String revision;

  @JsonPropertyDescription(
      "Image references of the revision's containers, init containers first; absent when neither"
          + " its ReplicaSet nor the current pod template shows them.")
  public List<String> images;

  @JsonPropertyDescription(
      "Each container's image split into repository, tag and digest; a digest is present only"
          + " when the reference pins one.")
  public List<ImageProvenance> imageDetails;

  @JsonPropertyDescription(
      "Pod template annotations whose key starts with provenance.rearguard.io/ (for example"
          + " source-commit and build-id).")
  public Map<String, String> annotations;
}
