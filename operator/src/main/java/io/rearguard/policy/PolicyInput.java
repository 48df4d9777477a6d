package io.rearguard.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.Rollout;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The documented input of a policy rule: the CEL variables {@code rollout}, {@code revision},
 * {@code stable}, {@code now}, {@code errorBudget}, {@code steps} and {@code params}. Every
 * variable is always present, so a rule can rely on its shape; docs/policies.md describes each
 * field.
 *
 * <p>Values are plain CEL values: maps with string keys, lists, strings, bools, ints (Java longs),
 * doubles and a timestamp. Null members are left out (CEL has no way to tell them from absent
 * ones), so {@code has(x.field)} tests for a field.
 *
 * <p>Build one per canary revision with {@link #builder()}; the policy's parameters are added by
 * {@link #variables(Map)} at evaluation time.
 */
public final class PolicyInput {
  /** Annotation in which kubectl stores the whole last applied object. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /**
   * Returns the annotations without kubectl's copy of the last applied object, which would count
   * the spec twice against the input size cap.
   */
  static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
    if (annotations == null) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>(annotations);
    result.remove(LAST_APPLIED);
    return result;
  }

  /** Annotation prefix of the pod-template annotations copied to {@code provenance}. */
  public static final String PROVENANCE_PREFIX = "provenance.rearguard.io/";

  /** Remaining error budget reported when it is unknown. */
  public static final double UNKNOWN_BUDGET = -1;

  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private final Map<String, Object> variables;
  private final long serializedSize;

  private PolicyInput(Map<String, Object> variables) {
    this.variables = variables;
    this.serializedSize = sizeOf(variables);
  }

  /** Returns a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the CEL activation: the input's variables plus {@code params}. */
  public Map<String, Object> variables(Map<String, Object> params) {
    Map<String, Object> all = new LinkedHashMap<>(variables);
    all.put("params", params == null ? Map.of() : params);
    return all;
  }

  /** Returns the input's variables without {@code params}, for display and tests. */
  public Map<String, Object> variables() {
    return variables;
  }

  /** Returns the size in bytes of the input serialized as JSON, without {@code params}. */
  public long serializedSize() {
    return serializedSize;
  }

  /** Returns the size in bytes of a value serialized as JSON; timestamps count as strings. */
  static long sizeOf(Object value) {
    try {
      return MAPPER.writeValueAsString(jsonSafe(value)).getBytes(StandardCharsets.UTF_8).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a policy input", e);
    }
  }

  private static Object jsonSafe(Object value) {
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, jsonSafe(v)));
      return copy;
    }
    return value;
  }

  /**
   * Converts a model object into plain CEL values: maps, lists, strings, bools, longs and doubles,
   * with null members left out.
   */
  public static Object toCel(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> result = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        Object converted = toCel(entry.getValue());
        if (entry.getKey() != null && converted != null) {
          result.put(entry.getKey().toString(), converted);
        }
      }
      return result;
    }
    if (value instanceof Collection<?> list) {
      List<Object> result = new ArrayList<>();
      for (Object element : list) {
        Object converted = toCel(element);
        if (converted != null) {
          result.add(converted);
        }
      }
      return result;
    }
    if (value instanceof String || value instanceof Boolean || value instanceof Long) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? big.longValue() : big.doubleValue();
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Instant) {
      return value;
    }
    return toCel(MAPPER.convertValue(value, Object.class));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> celMap(Object value) {
    Object converted = toCel(value);
    return converted instanceof Map<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
  }

  /** Returns the {@code revision} or {@code stable} map of a pod template. */
  static Map<String, Object> revisionMap(String hash, PodTemplateSpec template) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("exists", template != null);
    map.put("hash", hash == null ? "" : hash);
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template != null && template.getMetadata() != null) {
      if (template.getMetadata().getLabels() != null) {
        labels.putAll(template.getMetadata().getLabels());
      }
      if (template.getMetadata().getAnnotations() != null) {
        annotations.putAll(template.getMetadata().getAnnotations());
      }
    }
    labels.values().removeIf(Objects::isNull);
    annotations.values().removeIf(Objects::isNull);
    Map<String, Object> provenance = new LinkedHashMap<>();
    annotations.forEach(
        (key, value) -> {
          if (key.startsWith(PROVENANCE_PREFIX) && key.length() > PROVENANCE_PREFIX.length()) {
            provenance.put(key.substring(PROVENANCE_PREFIX.length()), value);
          }
        });
    map.put("labels", labels);
    map.put("annotations", annotations);
    map.put("images", images(template));
    map.put("provenance", provenance);
    return map;
  }

  private static List<Object> images(PodTemplateSpec template) {
    List<Object> images = new ArrayList<>();
    if (template == null || template.getSpec() == null) {
      return images;
    }
    PodSpec pod = template.getSpec();
    List<List<Container>> groups = new ArrayList<>();
    groups.add(pod.getInitContainers() == null ? List.of() : pod.getInitContainers());
    groups.add(pod.getContainers() == null ? List.of() : pod.getContainers());
    for (List<Container> containers : groups) {
      for (Container container : containers) {
        if (container.getImage() != null) {
          images.add(ImageReference.parse(container.getImage()).toMap(container.getName()));
        }
      }
    }
    return images;
  }

  /** Builds a {@link PolicyInput}. Only the Rollout is required. */
  public static final class Builder {
    private Rollout rollout;
    private String revisionHash;
    private PodTemplateSpec revisionTemplate;
    private String stableHash;
    private PodTemplateSpec stableTemplate;
    private Instant now;
    private double budgetRemaining = UNKNOWN_BUDGET;
    private boolean budgetFrozen;

    private Builder() {}

    /** Sets the Rollout. Its spec's pod template is the default revision template. */
    public Builder rollout(Rollout rollout) {
      this.rollout = rollout;
      return this;
    }

    /** Sets the canary revision's hash and pod template (default: the Rollout's template). */
    public Builder revision(String hash, PodTemplateSpec template) {
      this.revisionHash = hash;
      this.revisionTemplate = template;
      return this;
    }

    /** Sets the stable revision. Leave it out, or pass a null template, when there is none. */
    public Builder stable(String hash, PodTemplateSpec template) {
      this.stableHash = hash;
      this.stableTemplate = template;
      return this;
    }

    /** Sets the evaluation time, {@code now} in CEL (default: the current time). */
    public Builder now(Instant now) {
      this.now = now;
      return this;
    }

    /**
     * Sets the error budget: the stable revision's remaining percent (null when unknown, then -1)
     * and whether a release freeze is in force because of it.
     */
    public Builder errorBudget(Double remainingPercent, boolean frozen) {
      this.budgetRemaining =
          remainingPercent == null || !Double.isFinite(remainingPercent)
              ? UNKNOWN_BUDGET
              : remainingPercent;
      this.budgetFrozen = frozen;
      return this;
    }

    /** Builds the input. */
    public PolicyInput build() {
      Objects.requireNonNull(rollout, "rollout");
      Map<String, Object> variables = new LinkedHashMap<>();

      Map<String, Object> rolloutMap = new LinkedHashMap<>();
      var meta = rollout.getMetadata();
      Map<String, Object> metadata = new LinkedHashMap<>();
      if (meta != null) {
        metadata.put("name", meta.getName());
        metadata.put("namespace", meta.getNamespace());
        metadata.put("uid", meta.getUid());
        metadata.put("generation", meta.getGeneration());
        metadata.put("labels", meta.getLabels() == null ? Map.of() : meta.getLabels());
        metadata.put("annotations", withoutLastApplied(meta.getAnnotations()));
      }
      rolloutMap.put("metadata", celMap(metadata));
      rolloutMap.put("spec", celMap(rollout.getSpec()));
      variables.put("rollout", rolloutMap);

      PodTemplateSpec template =
          revisionTemplate != null
              ? revisionTemplate
              : rollout.getSpec() == null ? null : rollout.getSpec().template;
      variables.put("revision", revisionMap(revisionHash, template));
      variables.put(
          "stable", revisionMap(stableTemplate == null ? "" : stableHash, stableTemplate));
      variables.put("now", now == null ? Instant.now() : now);

      Map<String, Object> budget = new LinkedHashMap<>();
      budget.put("remaining", budgetRemaining);
      budget.put("known", budgetRemaining != UNKNOWN_BUDGET);
      budget.put("frozen", budgetFrozen);
      variables.put("errorBudget", budget);

      Object steps =
          rollout.getSpec() != null
                  && rollout.getSpec().strategy != null
                  && rollout.getSpec().strategy.canary != null
              ? toCel(rollout.getSpec().strategy.canary.steps)
              : null;
      variables.put("steps", steps == null ? List.of() : steps);
      return new PolicyInput(variables);
    }
  }
}
