package io.rearguard.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaMathTest {

  @ParameterizedTest(name = "{0} replicas at {1}% give the canary {2} pods")
  @CsvSource({
    "1, 0, 0", "1, 1, 1", "1, 20, 1", "1, 50, 1", "1, 99, 1", "1, 100, 1",
    "3, 0, 0", "3, 1, 1", "3, 20, 1", "3, 50, 2", "3, 99, 3", "3, 100, 3",
    "4, 0, 0", "4, 1, 1", "4, 20, 1", "4, 50, 2", "4, 99, 4", "4, 100, 4",
    "10, 0, 0", "10, 1, 1", "10, 20, 2", "10, 50, 5", "10, 99, 10", "10, 100, 10",
  })
  void canaryGetsCeilingOfWeightShare(int replicas, int weight, int expected) {
    int pods = ReplicaMath.canaryReplicas(replicas, weight);

    assertThat(pods).isEqualTo(expected);
  }

  @Test
  void zeroReplicasGiveNoCanaryPods() {
    int pods = ReplicaMath.canaryReplicas(0, 50);

    assertThat(pods).isZero();
  }

  @ParameterizedTest(name = "{0} replicas at {1}% give the canary {2} pods")
  @CsvSource({"100, 7, 7", "25, 28, 7", "50, 14, 7", "100, 55, 55"})
  void exactWeightShareIsNotRoundedUp(int replicas, int weight, int expected) {
    int pods = ReplicaMath.canaryReplicas(replicas, weight);

    assertThat(pods).isEqualTo(expected);
  }

  @Test
  void canaryPodsMatchIntegerCeilingForAllWeights() {
    List<String> wrong = new ArrayList<>();

    for (int replicas = 1; replicas <= 200; replicas++) {
      for (int weight = 0; weight <= 100; weight++) {
        int expected = (replicas * weight + 99) / 100;
        int actual = ReplicaMath.canaryReplicas(replicas, weight);
        if (actual != expected) {
          wrong.add(replicas + " replicas at " + weight + "%: " + actual + " != " + expected);
        }
      }
    }

    assertThat(wrong).isEmpty();
  }

  @ParameterizedTest(name = "{0} replicas, canary target {1}, {2} ready: stable {3}")
  @CsvSource({
    "10, 2, 0, 10",
    "10, 2, 1, 9",
    "10, 2, 2, 8",
    "10, 2, 5, 8",
    "10, 2, -1, 10",
    "10, 10, 10, 0",
    "3, 2, 1, 2",
  })
  void stableGivesUpPodPerReadyCanaryPod(int replicas, int target, int ready, int expected) {
    int stable = ReplicaMath.stableReplicas(replicas, target, ready);

    assertThat(stable).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} replicas, target {1}, current {2}, stable ready {3}: canary {4}")
  @CsvSource({
    "10, 5, 2, 8, 5",
    "10, 2, 2, 8, 2",
    "10, 2, 5, 5, 5",
    "10, 2, 5, 7, 3",
    "10, 2, 5, 8, 2",
    "10, 2, 5, 10, 2",
    "10, 0, 2, 9, 1",
    "10, 0, 2, 10, 0",
    "10, 0, 0, 0, 0",
  })
  void canaryShrinksOnlyAsStableBecomesReady(
      int replicas, int target, int current, int stableReady, int expected) {
    int canary = ReplicaMath.canaryReplicasNow(replicas, target, current, stableReady);

    assertThat(canary).isEqualTo(expected);
  }
}
