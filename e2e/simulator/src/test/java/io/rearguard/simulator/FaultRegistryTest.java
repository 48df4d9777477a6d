package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaultRegistryTest {

  private static final String IMAGE_V3 = "registry.example/app:v3";
  private static final FaultSettings SLOW = new FaultSettings(0, 250, 0);
  private static final FaultSettings FAILING = new FaultSettings(0.5, 0, 2);

  private final FaultRegistry registry = new FaultRegistry();

  @Test
  void unmatchedRevisionHasNoFaults() {
    registry.put(new FaultRule(FaultTarget.revision("abc123"), FAILING));

    assertThat(registry.settingsFor("def456", IMAGE_V3)).isEqualTo(FaultSettings.NONE);
  }

  @Test
  void selectsByRevision() {
    registry.put(new FaultRule(FaultTarget.revision("abc123"), FAILING));

    assertThat(registry.settingsFor("abc123", IMAGE_V3)).isEqualTo(FAILING);
  }

  @Test
  void selectsByExactImage() {
    registry.put(new FaultRule(FaultTarget.image(IMAGE_V3), SLOW));

    assertThat(registry.settingsFor("abc123", IMAGE_V3)).isEqualTo(SLOW);
    assertThat(registry.settingsFor("def456", IMAGE_V3)).isEqualTo(SLOW);
    assertThat(registry.settingsFor("abc123", "registry.example/app:v3.1"))
        .isEqualTo(FaultSettings.NONE);
    assertThat(registry.settingsFor("abc123", "registry.example/app"))
        .isEqualTo(FaultSettings.NONE);
  }

  @Test
  void revisionRuleWinsOverImageRule() {
    registry.put(new FaultRule(FaultTarget.image(IMAGE_V3), SLOW));
    registry.put(new FaultRule(FaultTarget.revision("abc123"), FAILING));

    assertThat(registry.settingsFor("abc123", IMAGE_V3)).isEqualTo(FAILING);
    assertThat(registry.settingsFor("def456", IMAGE_V3)).isEqualTo(SLOW);
  }

  @Test
  void putReplacesRuleWithSameTarget() {
    registry.put(new FaultRule(FaultTarget.revision("abc123"), FAILING));
    registry.put(new FaultRule(FaultTarget.revision("abc123"), SLOW));

    assertThat(registry.list()).hasSize(1);
    assertThat(registry.settingsFor("abc123", IMAGE_V3)).isEqualTo(SLOW);
  }

  @Test
  void revisionAndImageTargetsAreDistinct() {
    registry.put(new FaultRule(FaultTarget.revision("abc123"), FAILING));
    registry.put(new FaultRule(FaultTarget.image("abc123"), SLOW));

    assertThat(registry.list()).hasSize(2);
    assertThat(registry.settingsFor("other", "abc123")).isEqualTo(SLOW);
  }

  @Test
  void listPutsRevisionRulesFirst() {
    registry.put(new FaultRule(FaultTarget.image(IMAGE_V3), SLOW));
    registry.put(new FaultRule(FaultTarget.revision("def456"), FAILING));
    registry.put(new FaultRule(FaultTarget.revision("abc123"), FAILING));

    assertThat(registry.list())
        .extracting(rule -> rule.target().value())
        .containsExactly("abc123", "def456", IMAGE_V3);
  }

  @Test
  void clearRemovesAllRulesAndCountsThem() {
    registry.put(new FaultRule(FaultTarget.image(IMAGE_V3), SLOW));
    registry.put(new FaultRule(FaultTarget.revision("abc123"), FAILING));

    assertThat(registry.clear()).isEqualTo(2);
    assertThat(registry.list()).isEmpty();
    assertThat(registry.settingsFor("abc123", IMAGE_V3)).isEqualTo(FaultSettings.NONE);
  }
}
