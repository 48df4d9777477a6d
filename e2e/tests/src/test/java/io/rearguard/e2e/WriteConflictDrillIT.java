package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Write conflicts: while a canary runs through its steps, a {@link ConcurrentWriter} keeps updating
 * the Rollout's metadata and the ReplicaSets' metadata and scale every 150 ms. Each Rollout update
 * changes its resourceVersion, so the operator's status replace, which uses optimistic locking,
 * meets 409 Conflict and has to retry on fresh state.
 */
class WriteConflictDrillIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(150);
  private static final Duration WRITE_PERIOD = Duration.ofMillis(150);

  /** Time the operator gets to undo the last hand-scale after the writer stops. */
  private static final Duration SCALE_SETTLE = Duration.ofSeconds(30);

  /** Step index of the pause after the 50% step. */
  private static final int SECOND_PAUSE = 4;

  private static final String STEPS =
      """
      - setWeight: 25
      - pause: {duration: 4s}
      - analysis:
          metrics:
            - name: error-ratio
              interval: 1s
              count: 3
              consecutiveErrorLimit: 4
              threshold:
                max: 0.05
              prometheus:
                address: %s
                query: '%s'
      - setWeight: 50
      - pause: {duration: 6s}
      - setWeight: 75
      - pause: {duration: 4s}
      """;

  private static OperatorStack env;
  private static InvariantWatch watch;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-write-conflict-drill-it");
    watch = new InvariantWatch(env.client);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (watch != null) {
        System.out.printf("Invariant checks run: %d%n", watch.checks());
        watch.close();
      }
    } finally {
      if (env != null) {
        env.close();
      }
    }
  }

  private static String manifest(String namespace, String image) {
    String steps =
        STEPS.formatted(env.stack.prometheusAddress(), RolloutManifests.ERROR_RATIO_QUERY);
    return CanaryRollouts.rollout(namespace, image, 300, steps);
  }

  private static String deployHealthy(String namespace) throws Exception {
    env.kubectl.apply(manifest(namespace, "registry.example/shop:v1"));
    String v1 =
        env.awaitRollout(
                namespace,
                NAME,
                TIMEOUT,
                "v1 healthy",
                r -> r.getStatus().phase == RolloutPhase.Healthy)
            .getStatus()
            .stableRevision;
    watch.track(namespace, NAME);
    return v1;
  }

  @Test
  void canaryCompletesUnderConcurrentWrites() throws Exception {
    // given a healthy v1 and a second client writing to the Rollout and both ReplicaSets
    String namespace = E2eStack.createNamespace(env.client, "conflict-complete");
    String v1 = deployHealthy(namespace);
    long operatorConflictsBefore = operatorConflicts();
    Rollout promoted;
    try (ConcurrentWriter writer =
        ConcurrentWriter.start(env.client, namespace, NAME, true, WRITE_PERIOD)) {

      // when v2 rolls out through its steps
      env.kubectl.apply(manifest(namespace, "registry.example/shop:v2"));

      // then it is promoted, and every hand-scale along the way was undone
      promoted =
          env.awaitRollout(
              namespace,
              NAME,
              TIMEOUT,
              "v2 promoted or aborted",
              r ->
                  r.getStatus().phase == RolloutPhase.Aborted
                      || r.getStatus().phase == RolloutPhase.Healthy
                          && !v1.equals(r.getStatus().stableRevision));
      writer.stopWriting(SCALE_SETTLE);
      report("complete", writer, operatorConflictsBefore);
      assertThat(promoted.getStatus().phase).isEqualTo(RolloutPhase.Healthy);
      assertThat(promoted.getStatus().abort).isNull();
      assertThat(writer.rolloutUpdates()).isPositive();
      assertThat(writer.replicaSetPatches()).isPositive();
      assertThat(writer.handScales()).isPositive();
      assertThat(writer.scalePending()).as("a hand-scale still not undone").isFalse();
      assertThat(writer.corrected()).isEqualTo(writer.handScales());
      assertThat(writer.failures()).isZero();
      assertRolloutMetadataKept(namespace, writer);
    }
    String v2 = promoted.getStatus().stableRevision;

    // and a stable ReplicaSet scaled down by hand afterwards is scaled back
    env.client
        .apps()
        .replicaSets()
        .inNamespace(namespace)
        .withName(NAME + "-" + v2)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":1}}");
    await("v2 ReplicaSet back to 4 ready pods")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(NamespaceReads.specByRevision(env.client, namespace)).containsEntry(v2, 4);
              assertThat(NamespaceReads.readyByRevision(env.client, namespace))
                  .containsEntry(v2, 4)
                  .containsEntry(v1, 0);
            });
    DrillChecks.assertChainIntact(env, namespace, NAME);
    assertThat(watch.violations(namespace)).as("invariant violations").isEmpty();
    DrillChecks.assertOperatorHealthy(env);
  }

  @Test
  void abortCommandUnderConcurrentWrites() throws Exception {
    // given a healthy v1, a second client writing to the Rollout and the canary's ReplicaSet, and
    // v2 past its analysis at 50%
    String namespace = E2eStack.createNamespace(env.client, "conflict-abort");
    String v1 = deployHealthy(namespace);
    long operatorConflictsBefore = operatorConflicts();
    try (ConcurrentWriter writer =
        ConcurrentWriter.start(env.client, namespace, NAME, false, WRITE_PERIOD)) {
      env.kubectl.apply(manifest(namespace, "registry.example/shop:v2"));
      env.awaitRollout(
          namespace,
          NAME,
          TIMEOUT,
          "v2 at its pause after 50%",
          r -> Integer.valueOf(SECOND_PAUSE).equals(r.getStatus().currentStepIndex));

      // when on-call aborts it
      env.kubectl.apply(
          RolloutManifests.command(namespace, "abort-v2", NAME, "abort", "conflict drill"));

      // then it is rolled back once, with the writer still going
      Rollout aborted =
          env.awaitRollout(
              namespace,
              NAME,
              TIMEOUT,
              "v2 aborted",
              r -> r.getStatus().phase == RolloutPhase.Aborted);
      assertThat(aborted.getStatus().abort.reason).isEqualTo("AbortCommand");
      assertThat(aborted.getStatus().stableRevision).isEqualTo(v1);
      String v2 = aborted.getStatus().abort.revision;
      await("v2 scaled to zero and v1 back to 4 ready pods")
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(NamespaceReads.specByRevision(env.client, namespace))
                    .containsEntry(v2, 0);
                assertThat(NamespaceReads.readyByRevision(env.client, namespace))
                    .containsEntry(v1, 4);
              });
      writer.stopWriting(SCALE_SETTLE);
      report("abort", writer, operatorConflictsBefore);
      assertThat(writer.rolloutUpdates()).isPositive();
      assertThat(writer.scalePending()).as("a hand-scale still not undone").isFalse();
      assertThat(writer.corrected()).isEqualTo(writer.handScales());
      assertThat(writer.failures()).isZero();
      assertRolloutMetadataKept(namespace, writer);
    }
    RecordFixtures.awaitRecordsStored(env, namespace, NAME);
    DrillChecks.assertExecutedOnce(env, namespace, NAME, "abort-v2");
    DrillChecks.assertChainIntact(env, namespace, NAME);
    assertThat(watch.violations(namespace)).as("invariant violations").isEmpty();
    DrillChecks.assertOperatorHealthy(env);
  }

  /** Checks that the operator's status writes did not drop the writer's last accepted labels. */
  private static void assertRolloutMetadataKept(String namespace, ConcurrentWriter writer) {
    Rollout stored = env.rollout(namespace, NAME);
    assertThat(stored.getMetadata().getLabels())
        .containsEntry(ConcurrentWriter.KEY, writer.lastRolloutValue());
    assertThat(stored.getMetadata().getAnnotations())
        .containsEntry(ConcurrentWriter.KEY, "write " + writer.lastRolloutValue());
  }

  /**
   * Returns the operator log lines so far that report a 409 Conflict from the API server. The
   * framework logs each failed reconciliation once, with the API server's message for a conflict.
   */
  private static long operatorConflicts() throws IOException {
    try (Stream<String> lines = Files.lines(env.operator.logFile())) {
      return lines.filter(line -> line.contains("Operation cannot be fulfilled")).count();
    }
  }

  private static void report(String drill, ConcurrentWriter writer, long operatorConflictsBefore)
      throws IOException {
    System.out.printf(
        "Conflict drill %s: %d Rollout updates (%d rejected with 409), %d ReplicaSet patches,"
            + " %d hand-scales (%d undone), %d operator reconciliations failed with 409 Conflict%n",
        drill,
        writer.rolloutUpdates(),
        writer.conflicts(),
        writer.replicaSetPatches(),
        writer.handScales(),
        writer.corrected(),
        operatorConflicts() - operatorConflictsBefore);
  }
}
