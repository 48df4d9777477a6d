package io.rearguard.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault drill: the operator is killed with SIGKILL at random points while ten Rollouts each go
 * through five canaries, and a new process is started after each kill. Every canary must reach its
 * planned end, with the invariants held throughout and nothing lost.
 *
 * <p>The kill points come from a seeded random generator. The seed is printed, and {@code
 * -Drearguard.drill.seed=N} repeats a run's plans and delays (the operator's own timing still
 * varies).
 */
class OperatorKillDrillIT {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorKillDrillIT.class);

  private static final int LANES = 10;
  private static final int CANARIES_PER_LANE = 5;

  /** Time limit of each canary, which several kills and lease takeovers may interrupt. */
  private static final Duration CANARY_TIMEOUT = Duration.ofMinutes(4);

  /** Work time of each new leader before the next kill, drawn between these bounds. */
  private static final int MIN_KILL_DELAY_MILLIS = 3_000;

  private static final int MAX_KILL_DELAY_MILLIS = 15_000;

  /** Exit status of a process ended by SIGKILL (128 + 9). */
  private static final int SIGKILL_EXIT = 137;

  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-kill-drill-0");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void rolloutsEndDefinedAcrossOperatorKills() throws Exception {
    long seed = Long.getLong("rearguard.drill.seed", System.nanoTime());
    System.out.println("OperatorKillDrillIT seed=" + seed);
    Random random = new Random(seed);
    Instant started = Instant.now();

    // given ten Rollouts, each with five planned canaries
    DrillLane.Stack stack =
        new DrillLane.Stack(env.client, env.kubectl, env.simulator, env.stack.prometheusAddress());
    List<DrillLane> lanes = new ArrayList<>();
    for (int lane = 0; lane < LANES; lane++) {
      List<DrillLane.Plan> plans = new ArrayList<>();
      for (int canary = 0; canary < CANARIES_PER_LANE; canary++) {
        // The first lane takes each plan once, so every kind of end is drilled in every run.
        plans.add(
            lane == 0 && canary < DrillLane.Plan.values().length
                ? DrillLane.Plan.values()[canary]
                : DrillLane.Plan.draw(random));
      }
      lanes.add(new DrillLane(stack, "k" + lane, plans, CANARY_TIMEOUT));
    }

    // when the lanes run while the operator is killed at random points
    Killer killer = new Killer(env.operator, new Random(random.nextLong()));
    List<Throwable> laneFailures = new ArrayList<>();
    try (SampledInvariantWatch watch =
        new SampledInvariantWatch(env.client, Duration.ofMillis(500))) {
      lanes.forEach(lane -> watch.watch(lane.namespace()));
      ExecutorService pool = Executors.newFixedThreadPool(LANES + 1);
      Future<?> kills = pool.submit(killer::run);
      List<Future<?>> runs = new ArrayList<>();
      for (DrillLane lane : lanes) {
        runs.add(
            pool.submit(
                () -> {
                  lane.run();
                  return null;
                }));
      }
      for (Future<?> run : runs) {
        try {
          run.get();
        } catch (java.util.concurrent.ExecutionException e) {
          laneFailures.add(e.getCause());
        }
      }
      killer.stop();
      kills.get();
      pool.shutdown();
      killer.awaitLeader();

      // then every lane reached its planned ends, with the invariants held and nothing lost
      SoftAssertions softly = new SoftAssertions();
      for (DrillLane lane : lanes) {
        LaneChecks.verifyLane(env.client, lane, softly);
      }
      int canaries = lanes.stream().mapToInt(l -> l.finished().size()).sum();
      LOG.info(
          "kill drill: seed {}, {} canaries finished, {} kills, {} invariant samples, {}"
              + " violations, {}s",
          seed,
          canaries,
          killer.kills.size(),
          watch.samples(),
          watch.violations().size(),
          Duration.between(started, Instant.now()).toSeconds());
      System.out.printf(
          "OperatorKillDrillIT seed=%d canaries=%d kills=%d samples=%d violations=%d wall=%ds%n",
          seed,
          canaries,
          killer.kills.size(),
          watch.samples(),
          watch.violations().size(),
          Duration.between(started, Instant.now()).toSeconds());
      softly.assertThat(laneFailures).as("lanes that failed (seed %d)", seed).isEmpty();
      softly.assertThat(canaries).as("canaries finished").isEqualTo(LANES * CANARIES_PER_LANE);
      softly.assertThat(killer.kills).as("kills").isNotEmpty();
      softly.assertThat(killer.kills).as("exit status of each kill").containsOnly(SIGKILL_EXIT);
      softly.assertThat(watch.samples()).as("invariant samples").isGreaterThan(100);
      softly.assertThat(watch.violations()).as("invariant violations (seed %d)", seed).isEmpty();
      softly.assertAll();
    } finally {
      killer.closeReplacement();
    }
  }

  /** Kills the leader at random points and starts a new process after each kill. */
  private static final class Killer {
    private final Random random;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Integer> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile OperatorProcess current;
    private volatile OperatorProcess replacement;

    Killer(OperatorProcess first, Random random) {
      this.current = first;
      this.random = random;
    }

    void run() {
      try {
        awaitLeader();
        while (!stopped.get()) {
          int delay =
              MIN_KILL_DELAY_MILLIS + random.nextInt(MAX_KILL_DELAY_MILLIS - MIN_KILL_DELAY_MILLIS);
          if (sleepUnlessStopped(delay)) {
            return;
          }
          String killedHolder = LeaderLease.holder(env.client);
          current.kill();
          kills.add(current.awaitExit(Duration.ofSeconds(10)));
          OperatorProcess next =
              new OperatorProcess(
                  env.stack,
                  env.stack.kubeconfigFor(E2eStack.OPERATOR_ACCOUNT),
                  "operator-kill-drill-" + kills.size());
          next.start();
          closeReplacement();
          replacement = next;
          current = next;
          LOG.info(
              "kill {}: killed the leader {}, started pid {}",
              kills.size(),
              killedHolder,
              next.pid());
          awaitNewLeader(killedHolder);
        }
      } catch (Exception e) {
        throw new IllegalStateException("the kill loop failed after " + kills.size() + " kills", e);
      }
    }

    void stop() {
      stopped.set(true);
    }

    /** Waits until some process holds the lease, so that the last start is leading. */
    void awaitLeader() {
      Awaitility.await("an operator process holds the lease")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> LeaderLease.holder(env.client) != null && current.isAlive());
    }

    private static void awaitNewLeader(String killedHolder) {
      Awaitility.await("the new operator process holds the lease")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(
              () -> {
                String holder = LeaderLease.holder(env.client);
                return holder != null && !holder.equals(killedHolder);
              });
    }

    private boolean sleepUnlessStopped(int millis) throws InterruptedException {
      long end = System.currentTimeMillis() + millis;
      while (System.currentTimeMillis() < end) {
        if (stopped.get()) {
          return true;
        }
        Thread.sleep(100);
      }
      return stopped.get();
    }

    void closeReplacement() throws InterruptedException {
      if (replacement != null) {
        replacement.close();
      }
    }
  }
}
