package io.rearguard.e2e.bench;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import io.rearguard.e2e.E2eStack;
import io.rearguard.e2e.OperatorProcess;
import io.rearguard.e2e.RolloutManifests;
import io.rearguard.e2e.ToolLogging;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the operator's start-up time and memory. Start-up: a Rollout is created first, then the
 * operator process is started, and the benchmark records the time to {@code /readyz} and to the
 * Rollout's first status write. Memory: VmRSS after start-up, the highest VmRSS sampled every 200
 * ms while several Rollouts are deployed and promoted, VmRSS after that, and the kernel's VmHWM.
 * Usage: {@code OperatorFootprintBench [startups] [rollouts]}, defaults 3 and 5.
 */
public final class OperatorFootprintBench {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String ROLLOUT = "shop";

  private OperatorFootprintBench() {}

  /** Runs the benchmark and prints the start-up times and memory figures. */
  public static void main(String[] args) {
    int code;
    try {
      int startups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
      int rollouts = args.length > 1 ? Integer.parseInt(args[1]) : 5;
      run(startups, rollouts);
      code = 0;
    } catch (Exception e) {
      System.out.println("FAILED: " + e);
      e.printStackTrace();
      code = 1;
    }
    // Exits explicitly, because the Kubernetes client's threads would keep the JVM alive.
    System.exit(code);
  }

  private static void run(int startups, int rollouts) throws Exception {
    E2eStack stack = E2eStack.fromEnvironment();
    System.out.println("library log: " + ToolLogging.toFile(stack, "bench-footprint"));
    List<String> namespaces = new ArrayList<>();
    List<Long> readyMs = new ArrayList<>();
    List<Long> firstStatusMs = new ArrayList<>();
    try (BenchEnvironment env = new BenchEnvironment(stack)) {
      OperatorProcess operator = null;
      try {
        for (int i = 1; i <= startups; i++) {
          if (operator != null) {
            operator.close();
          }
          String namespace = E2eStack.createNamespace(env.client, "bench-startup-" + i);
          namespaces.add(namespace);
          env.kubectl.apply(rollout(env, namespace, "v1"));
          operator =
              startAndTime(env, namespace, "operator-bench-startup-" + i, readyMs, firstStatusMs);
        }
        System.out.println("time to /readyz:            " + Spread.of(readyMs).inSeconds());
        System.out.println("time to first status write: " + Spread.of(firstStatusMs).inSeconds());
        measureMemory(env, operator, namespaces, rollouts);
      } finally {
        if (operator != null) {
          operator.close();
        }
        env.deleteNamespaces(namespaces);
      }
    }
  }

  /**
   * Deletes the leader-election Lease, so the new process does not wait for the previous holder's
   * lease to expire, then starts the operator and times /readyz and the first status write.
   */
  private static OperatorProcess startAndTime(
      BenchEnvironment env,
      String namespace,
      String logName,
      List<Long> readyMs,
      List<Long> firstStatusMs)
      throws Exception {
    env.client
        .leases()
        .inNamespace(E2eStack.OPERATOR_NAMESPACE)
        .withName("rearguard-operator")
        .delete();
    CompletableFuture<Instant> firstStatus = new CompletableFuture<>();
    Watch watch =
        env.client
            .resources(Rollout.class)
            .inNamespace(namespace)
            .withName(ROLLOUT)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Rollout resource) {
                    if (resource.getStatus() != null) {
                      firstStatus.complete(Instant.now());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    firstStatus.completeExceptionally(cause);
                  }
                });
    try {
      OperatorProcess operator = new OperatorProcess(env.stack, env.operatorKubeconfig, logName);
      Instant started = Instant.now();
      operator.start();
      Instant statusAt = firstStatus.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      long ready = operator.startupTime().toMillis();
      long status = Duration.between(started, statusAt).toMillis();
      readyMs.add(ready);
      firstStatusMs.add(status);
      System.out.printf(
          "start-up %d: pid %d, /readyz after %d ms, first status of %s/%s after %d ms%n",
          readyMs.size(), operator.pid(), ready, namespace, ROLLOUT, status);
      return operator;
    } finally {
      watch.close();
    }
  }

  private static void measureMemory(
      BenchEnvironment env, OperatorProcess operator, List<String> namespaces, int rollouts)
      throws Exception {
    long pid = operator.pid();
    String startupNamespace = namespaces.get(namespaces.size() - 1);
    awaitHealthy(env, startupNamespace, ROLLOUT);
    long afterStart = BenchEnvironment.procStatusKib(pid, "VmRSS");
    System.out.println("VmRSS after start-up and one Healthy Rollout: " + mib(afterStart));

    AtomicLong sampledMax = new AtomicLong(afterStart);
    Thread sampler = new Thread(() -> sample(pid, sampledMax), "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    Map<String, String> v1Revisions = new HashMap<>();
    List<String> workload = new ArrayList<>();
    for (int i = 1; i <= rollouts; i++) {
      String namespace = E2eStack.createNamespace(env.client, "bench-memory-" + i);
      namespaces.add(namespace);
      workload.add(namespace);
      env.kubectl.apply(rollout(env, namespace, "v1"));
    }
    for (String namespace : workload) {
      v1Revisions.put(namespace, awaitHealthy(env, namespace, ROLLOUT).getStatus().stableRevision);
    }
    for (String namespace : workload) {
      env.kubectl.apply(rollout(env, namespace, "v2"));
    }
    for (String namespace : workload) {
      String v1 = v1Revisions.get(namespace);
      env.awaitRollout(
          namespace,
          ROLLOUT,
          TIMEOUT,
          "v2 promoted",
          r ->
              r.getStatus().phase == RolloutPhase.Healthy
                  && !v1.equals(r.getStatus().stableRevision));
    }
    Thread.sleep(5000);
    sampler.interrupt();
    long after = BenchEnvironment.procStatusKib(pid, "VmRSS");
    long peak = BenchEnvironment.procStatusKib(pid, "VmHWM");
    System.out.printf(
        "%d more Rollouts deployed and promoted through a canary with analysis%n", rollouts);
    System.out.println("VmRSS highest sampled every 200 ms during that: " + mib(sampledMax.get()));
    System.out.println("VmRSS 5 s after the last promotion: " + mib(after));
    System.out.println("VmHWM (peak resident set size of the process): " + mib(peak));
  }

  private static Rollout awaitHealthy(BenchEnvironment env, String namespace, String name)
      throws InterruptedException {
    return env.awaitRollout(
        namespace, name, TIMEOUT, "Healthy", r -> r.getStatus().phase == RolloutPhase.Healthy);
  }

  private static void sample(long pid, AtomicLong max) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        long rss = BenchEnvironment.procStatusKib(pid, "VmRSS");
        max.accumulateAndGet(rss, Math::max);
        Thread.sleep(200);
      } catch (IOException e) {
        System.out.println("reading /proc/" + pid + "/status failed: " + e);
        return;
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String rollout(BenchEnvironment env, String namespace, String tag) {
    return RolloutManifests.rollout(
        namespace,
        ROLLOUT,
        "registry.example/shop:" + tag,
        env.stack.prometheusAddress(),
        "{duration: 2s}");
  }

  private static String mib(long kib) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB (%d KiB)", kib / 1024.0, kib);
  }
}
