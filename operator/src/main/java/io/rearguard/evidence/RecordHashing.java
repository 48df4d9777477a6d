package io.rearguard.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rearguard.api.RolloutRecordSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Canonical JSON and SHA-256 hash of a record. The canonical form is the spec's JSON with object
 * keys sorted by UTF-16 code unit order, null members left out, no whitespace, and the top-level
 * {@code hash} member excluded, encoded as UTF-8.
 */
public final class RecordHashing {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RecordHashing() {}

  /** Returns the canonical JSON of a record spec, without its hash. */
  public static String canonicalJson(RolloutRecordSpec spec) {
    JsonNode tree = MAPPER.valueToTree(spec);
    if (tree instanceof ObjectNode object) {
      object.remove("hash");
    }
    try {
      return MAPPER.writeValueAsString(sorted(tree));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the canonical JSON of a record", e);
    }
  }

  /** Returns the SHA-256 of the canonical JSON, as lowercase hex. */
  public static String hash(RolloutRecordSpec spec) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonicalJson(spec).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /**
   * Returns the SHA-256, as lowercase hex, of any value's canonical JSON (the same canonical form
   * as a record's, without removing a member).
   */
  public static String hashOf(Object value) {
    try {
      byte[] json = MAPPER.writeValueAsBytes(sorted(MAPPER.valueToTree(value)));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the canonical JSON of a value", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Returns whether a record's stored hash matches its content. */
  public static boolean hashMatches(RolloutRecordSpec spec) {
    return spec != null && spec.hash != null && spec.hash.equals(hash(spec));
  }

  /** Returns whether two specs have the same canonical JSON and the same stored hash. */
  public static boolean sameContent(RolloutRecordSpec left, RolloutRecordSpec right) {
    return left != null
        && right != null
        && canonicalJson(left).equals(canonicalJson(right))
        && java.util.Objects.equals(left.hash, right.hash);
  }

  /** Returns a deep copy of a spec. */
  public static RolloutRecordSpec copy(RolloutRecordSpec spec) {
    return MAPPER.convertValue(spec, RolloutRecordSpec.class);
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode result = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        JsonNode child = node.get(name);
        if (!child.isNull()) {
          result.set(name, sorted(child));
        }
      }
      return result;
    }
    if (node.isArray()) {
      ArrayNode result = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> result.add(sorted(element)));
      return result;
    }
    return node;
  }
}
