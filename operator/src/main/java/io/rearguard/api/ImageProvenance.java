package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One container image of a revision, as its pod template names it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageProvenance {

  @JsonPropertyDescription("Container name; init containers come first.")
  public String container;

  @JsonPropertyDescription("Image reference exactly as the pod template gives it.")
  public String image;

  @JsonPropertyDescription("Repository part of the reference, without tag or digest.")
  public String repository;

  @JsonPropertyDescription("Tag of the reference; absent when it has none.")
  public String tag;

  @JsonPropertyDescription(
      "Digest of the reference (for example sha256:...); absent when the image is not pinned.")
  public String digest;
}
