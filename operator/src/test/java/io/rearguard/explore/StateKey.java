package io.rearguard.explore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.rearguard.decide.AnalysisSchedule;
import io.rearguard.decide.Observation.PendingCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Abstract key of a world: two worlds with the same key are treated as one state.
 *
 * <p>The key contains the written status with these changes, each of which keeps what the decider
 * reads:
 *
 * <ul>
 *   <li>A timestamp becomes its age at the world's clock, bucketed by the ages the decider compares
 *       that field against ({@link Scenario#AGE_THRESHOLDS}): below, equal to or above each.
 *   <li>Free text, generations, lastDecision and the conditions are dropped, because the decider
 *       only writes them. It reads a condition only for an invalid spec, which no Scenario has.
 *   <li>A run keeps its phase, the counters that its judgement reads, and whether its last outcome
 *       was Successful, which {@link Invariants} reads. The background run also drops count and
 *       successful, which only a step run's judgement reads.
 *   <li>While aborted, the step, the runs, the rehearsal and the abort's reason, actor, time and
 *       step are dropped. The decider reads none of them before a retry or a template change starts
 *       a canary afresh.
 *   <li>recentCommands is dropped. The decider reads it only to spot a command it has seen before,
 *       which only a redelivery or a copy of the last command tests. Both events are explored from
 *       the first world reached in each state, with that world's last command.
 * </ul>
 *
 * <p>The key also contains the template's revision, each ReplicaSet's ready and requested pods with
 * its creation rank, and the pending commands whose UID the status does not contain yet. A pending
 * command whose UID it contains only gets its result written again, so it is left out. Revision
 * names are replaced by their role, so two worlds that differ only by swapping names share a key.
 *
 * <p>NOTE: worlds whose ages differ inside one bucket are merged, so the explorer continues from
 * the first one it reached. A violation that needs a particular age inside a bucket, such as a
 * deadline that fires after several short passes, is reached only through the deadline event. The
 * renaming ignores that ScaleRules breaks ties between ReplicaSets created at the same instant by
 * name.
 */
final class StateKey {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
  private static final Set<String> DROPPED =
      Set.of(
          "message",
          "lastDecision",
          "observedGeneration",
          "lastTransitionTime",
          "checks",
          "rolloutState",
          "history",
          "seconds",
          "errors",
          "noData",
          "conditions");
  private static final List<String> ABORTED_ONLY_WRITTEN =
      List.of("currentStepIndex", "step", "stepStartTime", "analysis", "rehearsal");

  /** Normalized statuses of recent worlds, which the crashes and READY events of a pass share. */
  private final Map<StatusInput, NormalizedStatus> statuses =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<StatusInput, NormalizedStatus> eldest) {
          return size() > 256;
        }
      };

  /** Returns a 128-bit digest of the world's key. */
  String digest(World world) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text(world).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(Arrays.copyOf(hash, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** Returns the world's key as readable text. */
  String text(World world) {
    StringBuilder key = new StringBuilder();
    key.append("template=").append(world.desiredRevision());
    List<Map.Entry<String, World.ReplicaSetState>> byAge = byAge(world);
    for (int rank = 0; rank < byAge.size(); rank++) {
      var entry = byAge.get(rank);
      key.append(" rs:").append(entry.getKey()).append('#').append(rank);
      key.append('=').append(entry.getValue().readyReplicas());
      key.append('/').append(entry.getValue().specReplicas());
    }
    NormalizedStatus status =
        statuses.computeIfAbsent(
            new StatusInput(world.statusJson(), world.now()), input -> normalizedStatus(world));
    for (PendingCommand command : world.pending()) {
      if (!status.knownUids().contains(command.uid())) {
        key.append(" pending:").append(command.action().wireName());
        key.append('@').append(age(world.now(), command.created(), Scenario.ALL_THRESHOLDS));
      }
    }
    key.append(" status=").append(status.text());
    return renameRevisions(key.toString(), world, status.tree());
  }

  /** The inputs that the normalized status depends on. */
  private record StatusInput(String statusJson, Instant now) {}

  /**
   * A status as it goes into keys.
   *
   * @param text the normalized status as JSON
   * @param tree the status as written, for naming revisions
   * @param knownUids UIDs of the commands in recentCommands
   */
  private record NormalizedStatus(String text, JsonNode tree, Set<String> knownUids) {}

  private static NormalizedStatus normalizedStatus(World world) {
    ObjectNode written = status(world);
    ObjectNode status = written.deepCopy();
    Set<String> known = new HashSet<>();
    status.path("recentCommands").forEach(ref -> known.add(ref.path("uid").asText()));
    // Only a redelivery or a copy of the last command reads recentCommands, see the class comment.
    status.remove("recentCommands");
    normalize(status, world.now());
    if (status.has("abort")) {
      // While aborted the decider reads neither the step, the runs nor the rehearsal: a retry or
      // a template change starts them afresh.
      status.remove(ABORTED_ONLY_WRITTEN);
      ((ObjectNode) status.get("abort")).retain("revision", "rollbackSeconds");
    }
    return new NormalizedStatus(status.toString(), written, known);
  }

  private static List<Map.Entry<String, World.ReplicaSetState>> byAge(World world) {
    List<Map.Entry<String, World.ReplicaSetState>> byAge =
        new ArrayList<>(world.replicaSets().entrySet());
    byAge.sort(Map.Entry.comparingByValue((a, b) -> a.created().compareTo(b.created())));
    return byAge;
  }

  /**
   * Renames the revisions by their role (stable, canary, aborted canary, ReplicaSets by age,
   * template, known good), because the decider treats revision names only as identities.
   */
  private static String renameRevisions(String key, World world, JsonNode status) {
    Map<String, String> names = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    order.add(status.path("stableRevision").asText(null));
    order.add(status.path("canaryRevision").asText(null));
    order.add(status.path("abort").path("revision").asText(null));
    byAge(world).forEach(entry -> order.add(entry.getKey()));
    order.add(world.desiredRevision());
    status.path("knownGoodRevisions").forEach(revision -> order.add(revision.asText()));
    for (String revision : order) {
      if (revision != null && !names.containsKey(revision)) {
        names.put(revision, "r" + names.size());
      }
    }
    String renamed = key;
    for (Map.Entry<String, String> name : names.entrySet()) {
      // The new names contain no revision name, so one replacement never feeds the next.
      renamed = renamed.replace(name.getKey(), name.getValue());
    }
    return renamed;
  }

  private static ObjectNode status(World world) {
    if (world.statusJson() == null) {
      return JSON.createObjectNode();
    }
    try {
      return (ObjectNode) JSON.readTree(world.statusJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored status is not valid JSON", e);
    }
  }

  private static void normalize(JsonNode node, Instant now) {
    if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        normalize(element, now);
      }
      return;
    }
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    object.remove(DROPPED);
    if (object.get("measurements") instanceof ArrayNode measurements) {
      JsonNode last = measurements.isEmpty() ? null : measurements.get(measurements.size() - 1);
      String outcome = last == null ? "none" : last.path("outcome").asText();
      object.put(
          "measurements", outcome.equals("Successful") || outcome.equals("none") ? outcome : "bad");
    }
    if (AnalysisSchedule.BACKGROUND.equals(object.path("scope").asText())) {
      object.remove(List.of("count", "successful"));
    }
    if (object.get("actor") instanceof TextNode actor) {
      object.put("actor", actor.asText().startsWith("command/") ? "command" : actor.asText());
    }
    if (object.has("rollbackSeconds")) {
      object.put("rollbackSeconds", "set");
    }
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = object.get(name);
      if (value instanceof TextNode text && isTimestamp(text.asText())) {
        List<Long> thresholds = Scenario.AGE_THRESHOLDS.getOrDefault(name, Scenario.ALL_THRESHOLDS);
        object.put(name, age(now, Instant.parse(text.asText()), thresholds));
      } else {
        normalize(value, now);
      }
    }
  }

  private static boolean isTimestamp(String text) {
    return text.length() >= 20
        && text.charAt(4) == '-'
        && text.charAt(10) == 'T'
        && TIMESTAMP.matcher(text).matches();
  }

  /** Returns the bucket of the age of {@code time} at {@code now}. */
  static String age(Instant now, Instant time, List<Long> thresholds) {
    long seconds = Duration.between(time, now).toSeconds();
    if (seconds < 0) {
      return "future";
    }
    if (thresholds.isEmpty()) {
      return "set";
    }
    String bucket = "age<" + thresholds.get(0);
    for (long threshold : thresholds) {
      if (seconds == threshold) {
        return "age=" + threshold;
      }
      if (seconds > threshold) {
        bucket = "age>" + threshold;
      }
    }
    return bucket;
  }
}
