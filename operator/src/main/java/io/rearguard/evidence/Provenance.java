package io.rearguard.evidence;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.rearguard.api.ImageProvenance;
import io.rearguard.api.RevisionProvenance;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutStatus;
import io.rearguard.observe.RevisionTemplates;
import io.rearguard.policy.ImageReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the provenance of a revision from the cluster alone: its images with digests and its
 * provenance annotations. They come from the current pod template for the desired revision and from
 * the revision's ReplicaSet otherwise.
 */
public final class Provenance {
  /** Prefix of the pod template annotations copied into status and records. */
  public static final String ANNOTATION_PREFIX = "provenance.rearguard.io/";

  /** Maximum annotations copied per revision, so a template cannot grow the status unbounded. */
  static final int MAX_ANNOTATIONS = 16;

  /** Maximum length of a copied annotation value. Longer values are cut. */
  static final int MAX_VALUE_LENGTH = 256;

  private Provenance() {}

  /** Returns the provenance of the stable revision, then of the canary when there is one. */
  public static List<RevisionProvenance> ofStatus(
      Rollout rollout,
      RolloutStatus status,
      String desiredRevision,
      Collection<ReplicaSet> replicaSets) {
    List<RevisionProvenance> result = new ArrayList<>();
    for (String revision : new String[] {status.stableRevision, status.canaryRevision}) {
      if (revision != null) {
        RevisionProvenance provenance = new RevisionProvenance();
        fill(provenance, rollout, revision, desiredRevision, replicaSets);
        result.add(provenance);
      }
    }
    return result.isEmpty() ? null : result;
  }

  /** Fills a revision's provenance from its pod template. */
  static void fill(
      RevisionProvenance target,
      Rollout rollout,
      String revision,
      String desiredRevision,
      Collection<ReplicaSet> replicaSets) {
    target.revision = revision;
    PodTemplateSpec template =
        revision.equals(desiredRevision)
            ? rollout.getSpec().template
            : RevisionTemplates.ofReplicaSet(rollout, revision, replicaSets);
    List<ImageProvenance> details = images(template);
    target.images = details.isEmpty() ? null : details.stream().map(i -> i.image).toList();
    target.imageDetails = details.isEmpty() ? null : details;
    Map<String, String> annotations = annotations(template);
    target.annotations = annotations.isEmpty() ? null : annotations;
  }

  /** Returns the images of a pod template, init containers first. */
  static List<ImageProvenance> images(PodTemplateSpec template) {
    List<ImageProvenance> images = new ArrayList<>();
    if (template == null || template.getSpec() == null) {
      return images;
    }
    PodSpec pod = template.getSpec();
    List<Container> init = pod.getInitContainers() == null ? List.of() : pod.getInitContainers();
    List<Container> main = pod.getContainers() == null ? List.of() : pod.getContainers();
    for (List<Container> containers : List.of(init, main)) {
      for (Container container : containers) {
        if (container.getImage() == null) {
          continue;
        }
        ImageReference reference = ImageReference.parse(container.getImage());
        ImageProvenance image = new ImageProvenance();
        image.container = container.getName();
        image.image = container.getImage();
        image.repository = reference.repository();
        image.tag = reference.tag().isEmpty() ? null : reference.tag();
        image.digest = reference.digest().isEmpty() ? null : reference.digest();
        images.add(image);
      }
    }
    return images;
  }

  private static Map<String, String> annotations(PodTemplateSpec template) {
    Map<String, String> result = new TreeMap<>();
    if (template == null
        || template.getMetadata() == null
        || template.getMetadata().getAnnotations() == null) {
      return result;
    }
    for (var entry : new TreeMap<>(template.getMetadata().getAnnotations()).entrySet()) {
      if (result.size() >= MAX_ANNOTATIONS) {
        break;
      }
      if (entry.getKey().startsWith(ANNOTATION_PREFIX) && entry.getValue() != null) {
        String value = entry.getValue();
        result.put(
            entry.getKey(),
            value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) : value);
      }
    }
    return result;
  }
}
