package io.rearguard.explore;

import io.rearguard.api.RolloutPhase;
import io.rearguard.api.RolloutStatus;
import io.rearguard.decide.Decision;
import io.rearguard.decide.RolloutDecider;
import io.rearguard.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Breadth-first search over the abstract states of a {@link Scenario}, from a rollout that is
 * Healthy at the first revision, up to a number of events. Each state is expanded once, so the
 * first path found to a broken rule is a shortest one.
 */
final class Explorer {
  /** Worlds expanded together; bounds the memory that the edges of one batch hold. */
  private static final int BATCH = 512;

  private final Scenario scenario;
  private final Events events;
  private final Invariants invariants;

  /** A reached state: the edge into it, for printing paths. */
  private record Node(int parent, String label, String summary) {}

  /**
   * A broken rule with the shortest path of events to it.
   *
   * @param violation the rule and what was seen
   * @param path one line per event from the Healthy start, each with the state it led to
   */
  record Found(Invariants.Violation violation, List<String> path) {}

  /**
   * Outcome of one exploration.
   *
   * @param states distinct abstract states reached, the start included
   * @param transitions edges explored, including those into known states
   * @param exhausted whether no new state was left before the bound
   * @param elapsed wall-clock time of the search
   * @param cpu CPU time of the whole JVM during the search, all threads together
   * @param violations the first violation of each distinct kind, with its path, by kind
   */
  record Result(
      int states,
      long transitions,
      boolean exhausted,
      Duration elapsed,
      Duration cpu,
      Map<String, Found> violations) {}

  Explorer(Scenario scenario) {
    this.scenario = scenario;
    this.events = new Events(scenario);
    this.invariants = new Invariants(scenario);
  }

  /** Explores every state reachable in at most {@code depth} events. */
  Result explore(int depth) {
    long started = System.nanoTime();
    long cpuStarted = processCpuNanos();
    Search search = new Search();
    World root = healthyStart();
    search.visited.add(new StateKey().digest(root));
    search.nodes.add(new Node(-1, "start", describe(root)));
    List<World> frontier = List.of(root);
    List<Integer> frontierIds = List.of(0);

    for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
      List<World> next = new ArrayList<>();
      List<Integer> nextIds = new ArrayList<>();
      for (int from = 0; from < frontier.size(); from += BATCH) {
        List<World> batch = frontier.subList(from, Math.min(frontier.size(), from + BATCH));
        // Worlds of one level are expanded in parallel and merged in frontier order, so the
        // result and the reported paths do not depend on the thread count.
        List<Expansion> expansions = batch.parallelStream().map(this::expand).toList();
        for (int i = 0; i < expansions.size(); i++) {
          search.merge(expansions.get(i), frontierIds.get(from + i), next, nextIds);
        }
      }
      frontier = next;
      frontierIds = nextIds;
    }

    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    Duration cpu = Duration.ofNanos(processCpuNanos() - cpuStarted);
    return new Result(
        search.nodes.size(),
        search.transitions,
        frontier.isEmpty(),
        elapsed,
        cpu,
        search.violations);
  }

  /** Reached states, their paths and the violations found so far. */
  private static final class Search {
    /** Violations kept per rule; the first of each distinct kind has a shortest path. */
    private static final int KINDS_PER_RULE = 5;

    final List<Node> nodes = new ArrayList<>();
    final Map<String, Found> violations = new LinkedHashMap<>();
    final Set<String> visited = new HashSet<>();
    long transitions;

    /** Records the edges out of one world and adds the worlds they reach first to next. */
    void merge(Expansion expansion, int parent, List<World> next, List<Integer> nextIds) {
      if (expansion.inputChanged() != null && isNew(expansion.inputChanged())) {
        Found found = new Found(expansion.inputChanged(), path(nodes, parent));
        violations.put(signature(expansion.inputChanged()), found);
      }
      for (Step step : expansion.steps()) {
        transitions++;
        for (Invariants.Violation violation : step.violations()) {
          if (isNew(violation)) {
            List<String> path = path(nodes, parent);
            path.add(step.label() + "  =>  " + describe(step.after()));
            violations.put(signature(violation), new Found(violation, path));
          }
        }
        if (visited.add(step.digest())) {
          nodes.add(new Node(parent, step.label(), describe(step.after())));
          next.add(step.after());
          nextIds.add(nodes.size() - 1);
        }
      }
    }

    /**
     * Returns whether a violation is of a kind not seen before, while its rule has fewer than
     * {@link #KINDS_PER_RULE} kinds.
     */
    private boolean isNew(Invariants.Violation violation) {
      if (violations.containsKey(signature(violation))) {
        return false;
      }
      long kinds =
          violations.values().stream()
              .filter(found -> found.violation().invariant().equals(violation.invariant()))
              .count();
      return kinds < KINDS_PER_RULE;
    }

    /** Returns the rule and its detail with revision names, numbers and times left out. */
    private static String signature(Invariants.Violation violation) {
      String detail = violation.detail().replaceAll("rev-[a-z]|[0-9][0-9:.TZ-]*", "#");
      return violation.invariant() + ": " + detail;
    }
  }

  /**
   * The checked edges out of one world.
   *
   * @param steps one per edge
   * @param inputChanged a violation when a decision changed the status it was given, else null
   */
  private record Expansion(List<Step> steps, Invariants.Violation inputChanged) {}

  /**
   * One checked edge, without the decision, so that a batch keeps little memory.
   *
   * @param label the event
   * @param after the world it led to
   * @param digest the key of that world
   * @param violations the rules the edge broke
   */
  private record Step(
      String label, World after, String digest, List<Invariants.Violation> violations) {}

  private Expansion expand(World world) {
    StateKey keys = new StateKey();
    RolloutStatus status = world.status();
    List<Step> steps = new ArrayList<>();
    for (Edge edge : events.expand(world, status)) {
      List<Invariants.Violation> found = invariants.check(edge);
      steps.add(new Step(edge.label(), edge.after(), keys.digest(edge.after()), found));
    }
    Invariants.Violation changed = null;
    if (status != null && !World.json(status).equals(world.statusJson())) {
      changed = new Invariants.Violation(DecisionChecks.IDEMPOTENT, "a decision changed its input");
    }
    return new Expansion(steps, changed);
  }

  /** Returns the world after the first revision was deployed and all its pods became ready. */
  World healthyStart() {
    String first = Scenario.REVISIONS.get(0);
    World world = new World(null, Map.of(), first, 1, MutableClock.START, List.of(), null, 0);
    for (int pass = 0; pass < 5; pass++) {
      RolloutStatus status = world.status();
      Clock clock = Clock.fixed(world.now(), ZoneOffset.UTC);
      Decision decision =
          RolloutDecider.decide(
              world.rollout(scenario, status), world.observe(List.of(), List.of()), clock);
      world =
          world
              .afterDecision(
                  World.json(decision.status()),
                  decision.actions(),
                  decision.actions().size(),
                  world.now(),
                  List.of(),
                  null,
                  0)
              .withAllPodsReady();
      if (decision.status().phase == RolloutPhase.Healthy) {
        return world;
      }
    }
    throw new IllegalStateException(
        "the first revision did not become Healthy: " + describe(world));
  }

  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean bean
        ? bean.getProcessCpuTime()
        : 0;
  }

  private static List<String> path(List<Node> nodes, int id) {
    List<String> path = new ArrayList<>();
    for (int at = id; at >= 0; at = nodes.get(at).parent()) {
      path.add(0, nodes.get(at).label() + "  =>  " + nodes.get(at).summary());
    }
    return path;
  }

  /** Returns a one-line summary of a world: phase, step, weight, revisions and pods. */
  static String describe(World world) {
    RolloutStatus status = world.status();
    StringBuilder text = new StringBuilder();
    if (status != null) {
      text.append(status.phase);
      if (status.pauseReason != null) {
        text.append('(').append(status.pauseReason).append(')');
      }
      text.append(" step ").append(status.step);
      text.append(" weight ").append(status.canaryWeight);
      text.append(" stable ").append(status.stableRevision);
      text.append(" canary ").append(status.canaryRevision);
      if (status.abort != null) {
        text.append(" aborted ").append(status.abort.revision).append(" (");
        text.append(status.abort.reason).append(')');
      }
      if (status.rehearsal != null) {
        text.append(" rehearsal ").append(status.rehearsal.phase);
      }
      status.analysis.forEach(
          run -> text.append(" run ").append(run.name).append(' ').append(run.phase));
    }
    text.append(" |");
    world
        .replicaSets()
        .forEach(
            (revision, rs) ->
                text.append(' ')
                    .append(revision)
                    .append(' ')
                    .append(rs.readyReplicas())
                    .append('/')
                    .append(rs.specReplicas()));
    text.append(" | template ").append(world.desiredRevision());
    if (!world.pending().isEmpty()) {
      text.append(" pending");
      world.pending().forEach(c -> text.append(' ').append(c.name()));
    }
    return text.toString();
  }
}
