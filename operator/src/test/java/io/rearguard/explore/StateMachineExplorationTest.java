package io.rearguard.explore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.RehearsalSpec;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Explores every abstract state of small Rollouts that the real decider reaches within a bound of
 * events, and fails with the shortest path to each broken rule. The bound is the system property
 * {@code explore.depth}, {@value #DEFAULT_DEPTH} events by default.
 */
class StateMachineExplorationTest {
  static final int DEFAULT_DEPTH = 5;

  @Test
  void verifyRehearsalTwoReplicas() {
    explore(Scenario.of(2, false, RehearsalSpec.Mode.Verify));
  }

  @Test
  void verifyRehearsalWithBackgroundAnalysis() {
    explore(Scenario.of(2, true, RehearsalSpec.Mode.Verify));
  }

  @Test
  void drillRehearsalThreeReplicas() {
    explore(Scenario.of(3, false, RehearsalSpec.Mode.Drill));
  }

  private static void explore(Scenario scenario) {
    int depth = Integer.getInteger("explore.depth", DEFAULT_DEPTH);
    Explorer.Result result = new Explorer(scenario).explore(depth);
    System.out.printf(
        Locale.ROOT,
        "%s, depth %d: explored %d states, %d transitions in %.1f s (CPU %.1f s)%s%n",
        scenario.name(),
        depth,
        result.states(),
        result.transitions(),
        result.elapsed().toMillis() / 1000.0,
        result.cpu().toMillis() / 1000.0,
        result.exhausted() ? " (no new state left)" : "");
    StringBuilder report = new StringBuilder();
    result
        .violations()
        .forEach(
            (kind, found) -> {
              report.append("\nVIOLATED: ").append(found.violation().invariant()).append('\n');
              report.append("  ").append(found.violation().detail()).append('\n');
              report.append("  shortest path from Healthy at rev-a:\n");
              for (int i = 0; i < found.path().size(); i++) {
                report.append("  ").append(i).append(". ").append(found.path().get(i));
                report.append('\n');
              }
            });
    System.out.print(report);
    assertThat(result.violations()).as(scenario.name() + report).isEmpty();
  }
}
