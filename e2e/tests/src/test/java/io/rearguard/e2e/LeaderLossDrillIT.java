package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.e2e.faults.ApiProxy;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fault drill: two operator replicas with leader election, and the leader loses its API access, cut
 * by a TCP proxy between it and the API server, for longer than the lease duration. The other
 * replica must take the Lease and finish the rollout, and the old leader must stop: it exits and
 * sends nothing after its access comes back.
 */
class LeaderLossDrillIT {
  /** Longer than the operator's lease duration (15 s) and renew deadline (10 s). */
  private static final Duration CUT = Duration.ofSeconds(25);

  private static final Duration CANARY_TIMEOUT = Duration.ofMinutes(3);

  /** Exit status of the operator when it loses the lease (Main exits with 1). */
  private static final int LEASE_LOST_EXIT = 1;

  private static final E2eStack stack = E2eStack.fromEnvironment();
  private static KubernetesClient client;
  private static TrafficSimulator simulator;
  private static Path operatorKubeconfig;
  private static ApiProxy proxy;
  private static OperatorProcess cutReplica;
  private static OperatorProcess otherReplica;

  @BeforeAll
  static void start() throws Exception {
    client = stack.connect();
    stack.installCrds(client);
    operatorKubeconfig = stack.installOperatorAccess(client);
    simulator = TrafficSimulator.start(stack);
    proxy = ApiProxy.start(URI.create(client.getConfiguration().getMasterUrl()).getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable closeable : new AutoCloseable[] {cutReplica, otherReplica, proxy}) {
      if (closeable != null) {
        closeable.close();
      }
    }
    if (simulator != null) {
      simulator.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @Test
  void newLeaderFinishesRolloutAndOldLeaderStops() throws Exception {
    Instant started = Instant.now();
    // given a leader that reaches the API server through the proxy, and a second replica
    Path proxied =
        proxy.writeKubeconfig(
            operatorKubeconfig, stack.stateDir().resolve("kubeconfig-operator-through-proxy"));
    cutReplica = new OperatorProcess(stack, proxied, "operator-leader-loss-cut");
    long logStart = Files.exists(cutReplica.logFile()) ? Files.size(cutReplica.logFile()) : 0;
    cutReplica.start();
    Awaitility.await("the leader through the proxy holds the lease")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> logSince(cutReplica, logStart).contains("became the leader"));
    String cutHolder = LeaderLease.holder(client);
    otherReplica =
        new OperatorProcess(stack, operatorKubeconfig, "operator-leader-loss-other")
            .withFreeHttpPort()
            .start();
    assertThat(LeaderLease.holder(client)).as("holder after the second start").isEqualTo(cutHolder);

    // and a rollout in progress, with a command still to come
    DrillLane lane =
        new DrillLane(
            new DrillLane.Stack(client, new Kubectl(stack), simulator, stack.prometheusAddress()),
            "leader",
            List.of(
                DrillLane.Plan.PROMOTED_BY_COMMAND,
                DrillLane.Plan.PROMOTED_BY_STEPS,
                DrillLane.Plan.ABORTED_BY_COMMAND),
            CANARY_TIMEOUT);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (SampledInvariantWatch watch = new SampledInvariantWatch(client, Duration.ofMillis(500))) {
      watch.watch(lane.namespace());
      Future<?> run =
          pool.submit(
              () -> {
                lane.run();
                return null;
              });
      Awaitility.await("first canary in progress")
          .atMost(CANARY_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> lane.rollout().getStatus().canaryRevision != null);

      // when the leader's API access is cut for longer than its lease
      Instant cutAt = Instant.now();
      proxy.cut();
      Integer exit = cutReplica.awaitExit(Duration.ofSeconds(90));
      Instant exitedAt = Instant.now();
      Awaitility.await("the other replica holds the lease")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () -> {
                String holder = LeaderLease.holder(client);
                return holder != null && !holder.equals(cutHolder);
              });
      String newHolder = LeaderLease.holder(client);
      Duration remaining = CUT.minus(Duration.between(cutAt, Instant.now()));
      if (!remaining.isNegative()) {
        Thread.sleep(remaining.toMillis());
      }
      long bytesAtRestore = proxy.forwardedBytes();
      long connectionsAtRestore = proxy.acceptedConnections();
      proxy.restore();
      run.get();
      pool.shutdown();

      // then the old leader exited, the new one kept the lease and finished every canary
      SoftAssertions softly = new SoftAssertions();
      LaneChecks.verifyLane(client, lane, softly);
      softly.assertThat(exit).as("exit status of the cut leader").isEqualTo(LEASE_LOST_EXIT);
      softly
          .assertThat(logSince(cutReplica, logStart))
          .as("log of the cut leader")
          .contains("lost the leader lease");
      softly.assertThat(LeaderLease.holder(client)).as("holder at the end").isEqualTo(newHolder);
      softly.assertThat(otherReplica.isAlive()).as("the new leader runs").isTrue();
      softly
          .assertThat(proxy.forwardedBytes() - bytesAtRestore)
          .as("bytes the old leader sent or received after its access came back")
          .isZero();
      softly
          .assertThat(proxy.acceptedConnections() - connectionsAtRestore)
          .as("connections the old leader opened after its access came back")
          .isZero();
      softly.assertThat(watch.violations()).as("invariant violations").isEmpty();
      System.out.printf(
          "LeaderLossDrillIT lease-losses=1 exit=%s exit-after=%dms samples=%d violations=%d"
              + " wall=%ds%n",
          exit,
          Duration.between(cutAt, exitedAt).toMillis(),
          watch.samples(),
          watch.violations().size(),
          Duration.between(started, Instant.now()).toSeconds());
      softly.assertAll();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Returns the log that a process wrote after {@code offset}, as earlier runs share the file. */
  private static String logSince(OperatorProcess operator, long offset) throws IOException {
    byte[] log = Files.readAllBytes(operator.logFile());
    return new String(log, (int) offset, log.length - (int) offset, StandardCharsets.UTF_8);
  }
}
