package io.rearguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.Rollout;
import io.rearguard.observe.RevisionHasher;
import io.rearguard.policy.PolicyInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * The sample that {@code policy test} evaluates: a Rollout, optionally the stable revision's pod
 * template, the evaluation time and the error budget. The file is either a Rollout manifest, or a
 * map with the fields {@code rollout} (a Rollout manifest, required), {@code stable} (a pod
 * template), {@code now} (RFC 3339) and {@code errorBudget} ({@code remainingPercent}, {@code
 * frozen}).
 *
 * @param rollout the Rollout; its pod template is the canary revision
 * @param stable the stable revision's pod template, or null when there is none
 * @param now the evaluation time, or null for the current time
 * @param budgetRemaining remaining error budget in percent, or null when unknown
 * @param budgetFrozen whether a release freeze holds because of the error budget
 */
record PolicySample(
    Rollout rollout,
    PodTemplateSpec stable,
    Instant now,
    Double budgetRemaining,
    boolean budgetFrozen) {

  private static final Set<String> FIELDS = Set.of("rollout", "stable", "now", "errorBudget");
  private static final Set<String> BUDGET_FIELDS = Set.of("remainingPercent", "frozen");
  private static final ObjectMapper YAML = new YAMLMapper();

  /** A sample file that cannot be used; the message names the field and what is expected. */
  static final class InvalidSample extends Exception {
    InvalidSample(String message) {
      super(message);
    }
  }

  /** Reads a sample file. */
  static PolicySample read(Path file) throws InvalidSample {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidSample("cannot read the sample " + file + ": " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (InvalidSample e) {
      throw new InvalidSample("invalid sample " + file + ": " + e.getMessage());
    }
  }

  /** Parses the text of a sample file. */
  static PolicySample parse(String text) throws InvalidSample {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidSample("not YAML: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSample("expected a Rollout manifest or a map with the field rollout");
    }
    if ("Rollout".equals(root.path("kind").asText())) {
      return new PolicySample(rollout(root), null, null, null, false);
    }
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new InvalidSample(
            "unknown field '" + name + "'; the fields are rollout, stable, now and errorBudget");
      }
    }

    JsonNode rolloutNode = root.get("rollout");
    if (rolloutNode == null || !rolloutNode.isObject()) {
      throw new InvalidSample("rollout is missing; set it to a Rollout manifest");
    }
    PodTemplateSpec stable = null;
    if (root.hasNonNull("stable")) {
      stable = convert(root.get("stable"), PodTemplateSpec.class, "stable");
    }
    Instant now = root.hasNonNull("now") ? time(root.get("now").asText()) : null;

    Double remaining = null;
    boolean frozen = false;
    JsonNode budget = root.get("errorBudget");
    if (budget != null && !budget.isNull()) {
      if (!budget.isObject()) {
        throw new InvalidSample("errorBudget must be a map with remainingPercent and frozen");
      }
      Iterator<String> budgetNames = budget.fieldNames();
      while (budgetNames.hasNext()) {
        String name = budgetNames.next();
        if (!BUDGET_FIELDS.contains(name)) {
          throw new InvalidSample(
              "unknown field errorBudget." + name + "; the fields are remainingPercent and frozen");
        }
      }
      JsonNode percent = budget.get("remainingPercent");
      if (percent != null && !percent.isNull()) {
        if (!percent.isNumber()) {
          throw new InvalidSample("errorBudget.remainingPercent must be a number, got " + percent);
        }
        remaining = percent.asDouble();
      }
      JsonNode frozenNode = budget.get("frozen");
      if (frozenNode != null && !frozenNode.isNull()) {
        if (!frozenNode.isBoolean()) {
          throw new InvalidSample("errorBudget.frozen must be true or false, got " + frozenNode);
        }
        frozen = frozenNode.asBoolean();
      }
    }
    return new PolicySample(rollout(rolloutNode), stable, now, remaining, frozen);
  }

  /** Builds the policy input as the operator does: hashes from the pod templates. */
  PolicyInput input(Instant fallbackNow) {
    PodTemplateSpec template = rollout.getSpec().template;
    PolicyInput.Builder builder =
        PolicyInput.builder()
            .rollout(rollout)
            .revision(RevisionHasher.hash(template), template)
            .now(now == null ? fallbackNow : now)
            .errorBudget(budgetRemaining, budgetFrozen);
    if (stable != null) {
      builder.stable(RevisionHasher.hash(stable), stable);
    }
    return builder.build();
  }

  private static Rollout rollout(JsonNode node) throws InvalidSample {
    String kind = node.path("kind").asText();
    if (!kind.isEmpty() && !"Rollout".equals(kind)) {
      throw new InvalidSample("rollout must be a Rollout manifest, got kind " + kind);
    }
    Rollout rollout = convert(node, Rollout.class, "rollout");
    if (rollout.getSpec() == null || rollout.getSpec().template == null) {
      throw new InvalidSample(
          "the Rollout has no spec.template; policies evaluate its pod template");
    }
    return rollout;
  }

  private static <T> T convert(JsonNode node, Class<T> type, String field) throws InvalidSample {
    try {
      return Serialization.jsonMapper().treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidSample(field + " cannot be read: " + e.getMessage());
    }
  }

  private static Instant time(String text) throws InvalidSample {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidSample(
          "now must be an RFC 3339 time such as 2026-12-24T10:00:00Z, got '" + text + "'");
    }
  }
}
