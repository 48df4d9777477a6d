package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {

  private static final RolloutId SHOP = new RolloutId("demo", "shop");

  private static RevisionWeight weight(String revision, int ready, double weight) {
    return new RevisionWeight(revision, "registry.example/app:" + revision, ready, weight);
  }

  @Test
  void pickFollowsCumulativeWeights() {
    TrafficSplit split =
        new TrafficSplit(SHOP, List.of(weight("a", 1, 0.25), weight("b", 3, 0.75)));

    assertThat(split.pick(0.0).revision()).isEqualTo("a");
    assertThat(split.pick(0.2499).revision()).isEqualTo("a");
    assertThat(split.pick(0.25).revision()).isEqualTo("b");
    assertThat(split.pick(0.9999).revision()).isEqualTo("b");
  }

  @Test
  void pickSkipsRevisionsWithoutWeight() {
    TrafficSplit split =
        new TrafficSplit(SHOP, List.of(weight("a", 0, 0), weight("b", 2, 1.0), weight("c", 0, 0)));

    assertThat(split.pick(0.0).revision()).isEqualTo("b");
    assertThat(split.pick(0.9999).revision()).isEqualTo("b");
  }

  @Test
  void pickGivesRoundingRemainderToLastRevision() {
    TrafficSplit split =
        new TrafficSplit(SHOP, List.of(weight("a", 1, 0.3333), weight("b", 2, 0.6666)));

    assertThat(split.pick(0.99995).revision()).isEqualTo("b");
  }

  @Test
  void pickWithoutReadyReplicasThrows() {
    TrafficSplit split = new TrafficSplit(SHOP, List.of(weight("a", 0, 0)));

    assertThatThrownBy(() -> split.pick(0.5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("demo/shop");
  }

  @Test
  void describeListsPercentAndReadyReplicas() {
    TrafficSplit split =
        new TrafficSplit(SHOP, List.of(weight("a", 2, 2.0 / 3), weight("b", 1, 1.0 / 3)));

    assertThat(split.describe()).isEqualTo("a=66.7% (2 ready), b=33.3% (1 ready)");
  }
}
