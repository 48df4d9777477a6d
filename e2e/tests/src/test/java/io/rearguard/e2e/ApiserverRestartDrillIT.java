package io.rearguard.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.e2e.faults.ApiProxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault drill: the API server restarts, or every connection to it is dropped, while rollouts run.
 * The operator reaches the API server through a TCP proxy, so that the drill can drop its watches.
 * An operator that exits because it could not renew its lease in time is started again, as its
 * Deployment would be. Every canary must reach its planned end, with the invariants held and
 * nothing lost.
 */
class ApiserverRestartDrillIT {
  private static final Logger LOG = LoggerFactory.getLogger(ApiserverRestartDrillIT.class);
  private static final Duration CANARY_TIMEOUT = Duration.ofMinutes(4);
  private static final List<DrillLane.Plan> PLANS =
      List.of(
          DrillLane.Plan.PROMOTED_BY_COMMAND,
          DrillLane.Plan.ABORTED_BY_ANALYSIS,
          DrillLane.Plan.PROMOTED_BY_STEPS,
          DrillLane.Plan.ABORTED_BY_COMMAND);

  private static final E2eStack stack = E2eStack.fromEnvironment();
  private static KubernetesClient client;
  private static TrafficSimulator simulator;
  private static ApiProxy proxy;
  private static Path proxiedKubeconfig;
  private static volatile OperatorProcess operator;
  private static final AtomicInteger operatorStarts = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    client = stack.connect();
    stack.installCrds(client);
    Path operatorKubeconfig = stack.installOperatorAccess(client);
    simulator = TrafficSimulator.start(stack);
    proxy = ApiProxy.start(URI.create(client.getConfiguration().getMasterUrl()).getPort());
    proxiedKubeconfig =
        proxy.writeKubeconfig(
            operatorKubeconfig, stack.stateDir().resolve("kubeconfig-operator-through-proxy"));
  }

  @AfterEach
  void stopOperator() throws Exception {
    if (operator != null) {
      operator.close();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (simulator != null) {
      simulator.close();
    }
    if (client != null) {
      client.close();
    }
  }

  @Test
  void rolloutsEndDefinedAcrossApiserverRestarts() throws Exception {
    ApiserverControl apiserver = new ApiserverControl(stack);
    runDrill("restart", 2, apiserver::restart, 8_000, 20_000);
  }

  @Test
  void rolloutsEndDefinedWhenWatchesDrop() throws Exception {
    runDrill("drop", 6, proxy::dropConnections, 3_000, 8_000);
  }

  /** A fault that the drill injects. */
  private interface Fault {
    void inject() throws Exception;
  }

  private void runDrill(
      String name, int faults, Fault fault, int minDelayMillis, int maxDelayMillis)
      throws Exception {
    long seed = Long.getLong("rearguard.drill.seed", System.nanoTime());
    System.out.println("ApiserverRestartDrillIT " + name + " seed=" + seed);
    Random random = new Random(seed);
    Instant started = Instant.now();
    operatorStarts.set(0);
    startOperator(name);

    // given two Rollouts, each with four planned canaries
    DrillLane.Stack lanesStack =
        new DrillLane.Stack(client, new Kubectl(stack), simulator, stack.prometheusAddress());
    List<DrillLane> lanes = new ArrayList<>();
    for (int lane = 0; lane < 2; lane++) {
      List<DrillLane.Plan> plans = new ArrayList<>(PLANS);
      java.util.Collections.rotate(plans, lane);
      lanes.add(new DrillLane(lanesStack, name.charAt(0) + "" + lane, plans, CANARY_TIMEOUT));
    }
    ExecutorService pool = Executors.newFixedThreadPool(lanes.size() + 2);
    AtomicBoolean done = new AtomicBoolean();
    List<String> injected = new CopyOnWriteArrayList<>();
    List<Throwable> laneFailures = new ArrayList<>();
    try (SampledInvariantWatch watch = new SampledInvariantWatch(client, Duration.ofMillis(500))) {
      lanes.forEach(lane -> watch.watch(lane.namespace()));
      List<Future<?>> runs = new ArrayList<>();
      for (DrillLane lane : lanes) {
        runs.add(
            pool.submit(
                () -> {
                  lane.run();
                  return null;
                }));
      }

      // when the faults hit at random points, and an operator that exits is started again
      Future<?> supervisor = pool.submit(() -> supervise(name, done));
      Future<?> injector =
          pool.submit(
              () -> {
                for (int i = 0; i < faults && !done.get(); i++) {
                  Thread.sleep(minDelayMillis + random.nextInt(maxDelayMillis - minDelayMillis));
                  fault.inject();
                  injected.add(Instant.now().toString());
                  LOG.info("{} drill: fault {} injected", name, injected.size());
                }
                return null;
              });
      for (Future<?> run : runs) {
        try {
          run.get();
        } catch (java.util.concurrent.ExecutionException e) {
          laneFailures.add(e.getCause());
        }
      }
      done.set(true);
      injector.get();
      supervisor.get();

      // then every canary reached its planned end, with the invariants held and nothing lost
      SoftAssertions softly = new SoftAssertions();
      for (DrillLane lane : lanes) {
        LaneChecks.verifyLane(client, lane, softly);
      }
      System.out.printf(
          "ApiserverRestartDrillIT %s seed=%d faults=%d operator-restarts=%d samples=%d"
              + " violations=%d wall=%ds%n",
          name,
          seed,
          injected.size(),
          operatorStarts.get() - 1,
          watch.samples(),
          watch.violations().size(),
          Duration.between(started, Instant.now()).toSeconds());
      softly.assertThat(laneFailures).as("lanes that failed (seed %d)", seed).isEmpty();
      softly.assertThat(injected).as("faults injected during the rollouts").isNotEmpty();
      softly.assertThat(watch.violations()).as("invariant violations (seed %d)", seed).isEmpty();
      softly.assertAll();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  private static void startOperator(String name) throws Exception {
    operator =
        new OperatorProcess(
                stack,
                proxiedKubeconfig,
                "operator-apiserver-drill-" + name + "-" + operatorStarts.get())
            .start();
    operatorStarts.incrementAndGet();
  }

  /** Starts the operator again whenever it exits, until {@code done}. */
  private static Void supervise(String name, AtomicBoolean done) throws Exception {
    while (!done.get()) {
      if (!operator.isAlive()) {
        LOG.info(
            "{} drill: the operator exited with status {}; starting it again",
            name,
            operator.awaitExit(Duration.ZERO));
        try {
          startOperator(name);
        } catch (IllegalStateException e) {
          // The API server may still be down; the next round starts another process.
          LOG.warn("{} drill: the operator did not start: {}", name, e.getMessage());
        }
      }
      Thread.sleep(500);
    }
    return null;
  }
}
