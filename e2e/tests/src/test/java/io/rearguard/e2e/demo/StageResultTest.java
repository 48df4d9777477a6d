package io.rearguard.e2e.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageResultTest {

  @Test
  void summaryOfPassedStagesCountsThem() {
    List<String> lines =
        StageResult.summary(
            List.of(
                StageResult.pass("v1-deploy", "v1 Healthy", Duration.ofMillis(1234)),
                StageResult.pass("v2-promote", "v2 promoted", Duration.ofSeconds(7))));

    assertThat(lines)
        .containsExactly(
            "PASS     v1-deploy       1.2 s  v1 Healthy",
            "PASS     v2-promote      7.0 s  v2 promoted",
            "Stages: 2 passed, 0 failed");
  }

  @Test
  void summaryOfFailedStageShowsExpectedAndSeen() {
    List<String> lines =
        StageResult.summary(
            List.of(
                StageResult.fail(
                    "v3-rollback", "Aborted", "phase Progressing", Duration.ofSeconds(120)),
                StageResult.notRun("v4-abort", "AbortCommand")));

    assertThat(lines)
        .containsExactly(
            "FAIL     v3-rollback   120.0 s  Aborted",
            "         expected: Aborted",
            "         seen:     phase Progressing",
            "NOT RUN  v4-abort        0.0 s  AbortCommand",
            "         expected: AbortCommand",
            "         seen:     not run because an earlier stage failed",
            "Stages: 0 passed, 2 failed");
  }
}
