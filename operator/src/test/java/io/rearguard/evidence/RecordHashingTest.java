package io.rearguard.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rearguard.api.MetricEvidence;
import io.rearguard.api.RecordEvidence;
import io.rearguard.api.RecordState;
import io.rearguard.api.RolloutRecordSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordHashingTest {

  private static RolloutRecordSpec sample() {
    RolloutRecordSpec spec = new RolloutRecordSpec();
    spec.sequence = 3L;
    spec.rollout = "checkout";
    spec.reason = "AnalysisFailed";
    spec.to = new RecordState();
    spec.to.step = "2/4";
    spec.to.phase = "Aborted";
    spec.previousHash = "ab";
    spec.hash = "ignored";
    return spec;
  }

  @Test
  void canonicalJsonSortsKeysDropsNullsAndExcludesHash() {
    assertThat(RecordHashing.canonicalJson(sample()))
        .isEqualTo(
            "{\"previousHash\":\"ab\",\"reason\":\"AnalysisFailed\",\"rollout\":\"checkout\","
                + "\"sequence\":3,\"to\":{\"phase\":\"Aborted\",\"step\":\"2/4\"}}");
  }

  @Test
  void hashIsSha256HexOfCanonicalJson() throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256")
            .digest(RecordHashing.canonicalJson(sample()).getBytes(StandardCharsets.UTF_8));

    assertThat(RecordHashing.hash(sample())).isEqualTo(HexFormat.of().formatHex(digest));
    assertThat(RecordHashing.hash(sample())).hasSize(64).matches("[0-9a-f]+");
  }

  @Test
  void hashIgnoresTheStoredHash() {
    RolloutRecordSpec other = sample();
    other.hash = "something else";

    assertThat(RecordHashing.hash(other)).isEqualTo(RecordHashing.hash(sample()));
  }

  @Test
  void hashSurvivesJsonRoundTripWithReorderedKeys() throws Exception {
    RolloutRecordSpec spec = sample();
    spec.evidence = new RecordEvidence();
    MetricEvidence metric = new MetricEvidence();
    metric.metric = "error-ratio";
    metric.value = "0.2";
    metric.stepIndex = 1;
    spec.evidence.metrics = List.of(metric);
    spec.hash = RecordHashing.hash(spec);
    String reordered =
        "{\"to\":{\"step\":\"2/4\",\"phase\":\"Aborted\"},\"hash\":\""
            + spec.hash
            + "\",\"evidence\":{\"metrics\":[{\"value\":\"0.2\",\"stepIndex\":1,"
            + "\"metric\":\"error-ratio\"}]},\"sequence\":3,\"rollout\":\"checkout\","
            + "\"reason\":\"AnalysisFailed\",\"previousHash\":\"ab\",\"message\":null}";

    RolloutRecordSpec read = new ObjectMapper().readValue(reordered, RolloutRecordSpec.class);

    assertThat(RecordHashing.hashMatches(read)).isTrue();
  }

  @Test
  void anyChangedFieldChangesTheHash() {
    RolloutRecordSpec changed = sample();
    changed.to.step = "3/4";

    assertThat(RecordHashing.hash(changed)).isNotEqualTo(RecordHashing.hash(sample()));
  }

  @Test
  void sameContentComparesCanonicalFormAndHash() {
    RolloutRecordSpec left = sample();
    RolloutRecordSpec right = RecordHashing.copy(left);

    assertThat(RecordHashing.sameContent(left, right)).isTrue();
    right.message = "edited";
    assertThat(RecordHashing.sameContent(left, right)).isFalse();
  }
}
