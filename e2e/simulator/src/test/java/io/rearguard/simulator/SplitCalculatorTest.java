package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitCalculatorTest {

  private static final RolloutId SHOP = new RolloutId("demo", "shop");
  private static final RolloutId CART = new RolloutId("demo", "cart");

  private static RevisionState state(RolloutId rollout, String revision, int ready) {
    return new RevisionState(rollout, revision, "registry.example/app:" + revision, ready);
  }

  @Test
  void noStatesGiveNoSplits() {
    assertThat(SplitCalculator.compute(List.of())).isEmpty();
  }

  @Test
  void singleRevisionGetsAllTraffic() {
    List<TrafficSplit> splits = SplitCalculator.compute(List.of(state(SHOP, "v1", 2)));

    assertThat(splits).hasSize(1);
    TrafficSplit split = splits.get(0);
    assertThat(split.rollout()).isEqualTo(SHOP);
    assertThat(split.revisions()).hasSize(1);
    assertThat(split.revisions().get(0).weight()).isEqualTo(1.0);
    assertThat(split.revisions().get(0).image()).isEqualTo("registry.example/app:v1");
    assertThat(split.totalReadyReplicas()).isEqualTo(2);
    assertThat(split.hasTraffic()).isTrue();
  }

  @Test
  void threeRevisionsWeightedByReadyReplicas() {
    List<TrafficSplit> splits =
        SplitCalculator.compute(
            List.of(state(SHOP, "c", 3), state(SHOP, "a", 1), state(SHOP, "b", 2)));

    List<RevisionWeight> revisions = splits.get(0).revisions();
    assertThat(revisions).extracting(RevisionWeight::revision).containsExactly("a", "b", "c");
    assertThat(revisions.get(0).weight()).isCloseTo(1.0 / 6, within(1e-12));
    assertThat(revisions.get(1).weight()).isCloseTo(2.0 / 6, within(1e-12));
    assertThat(revisions.get(2).weight()).isCloseTo(3.0 / 6, within(1e-12));
    assertThat(revisions.stream().mapToDouble(RevisionWeight::weight).sum())
        .isCloseTo(1.0, within(1e-12));
  }

  @Test
  void revisionWithZeroReadyGetsNothing() {
    List<TrafficSplit> splits =
        SplitCalculator.compute(List.of(state(SHOP, "stable", 4), state(SHOP, "canary", 0)));

    List<RevisionWeight> revisions = splits.get(0).revisions();
    assertThat(revisions).extracting(RevisionWeight::revision).containsExactly("canary", "stable");
    assertThat(revisions.get(0).weight()).isZero();
    assertThat(revisions.get(1).weight()).isEqualTo(1.0);
  }

  @Test
  void rolloutWithNoReadyReplicasHasNoTraffic() {
    List<TrafficSplit> splits =
        SplitCalculator.compute(List.of(state(SHOP, "v1", 0), state(SHOP, "v2", 0)));

    TrafficSplit split = splits.get(0);
    assertThat(split.hasTraffic()).isFalse();
    assertThat(split.totalReadyReplicas()).isZero();
    assertThat(split.revisions()).extracting(RevisionWeight::weight).containsOnly(0.0);
  }

  @Test
  void rolloutsAreSplitSeparately() {
    RolloutId otherNamespaceShop = new RolloutId("other", "shop");
    List<TrafficSplit> splits =
        SplitCalculator.compute(
            List.of(
                state(SHOP, "v1", 1),
                state(CART, "v1", 3),
                state(otherNamespaceShop, "v1", 5),
                state(SHOP, "v2", 1)));

    assertThat(splits)
        .extracting(TrafficSplit::rollout)
        .containsExactly(CART, SHOP, otherNamespaceShop);
    assertThat(splits.get(0).revisions()).extracting(RevisionWeight::weight).containsExactly(1.0);
    assertThat(splits.get(1).revisions())
        .extracting(RevisionWeight::weight)
        .containsExactly(0.5, 0.5);
    assertThat(splits.get(2).revisions()).extracting(RevisionWeight::weight).containsExactly(1.0);
  }

  @Test
  void sameRevisionInTwoReplicaSetsIsMerged() {
    List<TrafficSplit> splits =
        SplitCalculator.compute(
            List.of(
                new RevisionState(SHOP, "v1", "", 1),
                new RevisionState(SHOP, "v1", "registry.example/app:v1", 2),
                state(SHOP, "v2", 3)));

    List<RevisionWeight> revisions = splits.get(0).revisions();
    assertThat(revisions).hasSize(2);
    assertThat(revisions.get(0).readyReplicas()).isEqualTo(3);
    assertThat(revisions.get(0).image()).isEqualTo("registry.example/app:v1");
    assertThat(revisions.get(0).weight()).isEqualTo(0.5);
  }
}
