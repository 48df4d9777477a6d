package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import io.rearguard.api.RolloutCommandStatus;
import io.rearguard.api.RolloutPhase;
import io.rearguard.observe.RevisionHasher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Rollout in its own namespace that a fault drill takes through a series of canaries, one after
 * the other. Each canary has a planned end: promoted by its steps, aborted by a failing analysis,
 * or promoted or aborted by a RolloutCommand. Every wait tolerates API errors, because the drills
 * take the operator or the API server away while the lane runs.
 */
final class DrillLane {
  private static final Logger LOG = LoggerFactory.getLogger(DrillLane.class);
  private static final Duration POLL = Duration.ofMillis(500);

  /** How a canary is meant to end. */
  enum Plan {
    /** Healthy canary whose last pause has a duration: promoted by its steps. */
    PROMOTED_BY_STEPS,
    /** Half of the canary's requests fail: aborted by the analysis at step 2/4. */
    ABORTED_BY_ANALYSIS,
    /** Waits at an indefinite pause at step 4/4 until a promote command. */
    PROMOTED_BY_COMMAND,
    /** Waits at an indefinite pause at step 4/4 until an abort command. */
    ABORTED_BY_COMMAND;

    boolean aborts() {
      return this == ABORTED_BY_ANALYSIS || this == ABORTED_BY_COMMAND;
    }

    String commandAction() {
      return switch (this) {
        case PROMOTED_BY_COMMAND -> "promote";
        case ABORTED_BY_COMMAND -> "abort";
        default -> null;
      };
    }

    /** Returns a plan drawn from {@code random}, promoted by its steps in two of five cases. */
    static Plan draw(Random random) {
      int draw = random.nextInt(5);
      return draw < 2 ? PROMOTED_BY_STEPS : values()[draw - 1];
    }
  }

  /**
   * One finished canary.
   *
   * @param revision the canary's revision (pod template hash)
   * @param previousStable the stable revision before the canary
   * @param command name of the RolloutCommand applied for it, or null
   * @param end the Rollout when it reached its planned end
   */
  record Canary(
      int index,
      Plan plan,
      String image,
      String revision,
      String previousStable,
      String command,
      Rollout end,
      Duration took) {}

  /** Everything a lane needs from the stack. */
  record Stack(
      KubernetesClient client, Kubectl kubectl, TrafficSimulator simulator, String prometheus) {}

  private final Stack stack;
  private final String namespace;
  private final String tag;
  private final List<Plan> plans;
  private final Duration timeout;
  private final List<Canary> finished = new ArrayList<>();
  private final List<String> commands = new ArrayList<>();
  private volatile String stable;

  /**
   * Creates the lane's namespace.
   *
   * @param tag short unique name, used in image tags and command names
   * @param timeout time limit of each canary and of the first deployment
   */
  DrillLane(Stack stack, String tag, List<Plan> plans, Duration timeout) {
    this.stack = stack;
    this.tag = tag;
    this.plans = List.copyOf(plans);
    this.timeout = timeout;
    this.namespace = E2eStack.createNamespace(stack.client(), "drill-" + tag);
  }

  String namespace() {
    return namespace;
  }

  List<Plan> plans() {
    return plans;
  }

  /** Returns the canaries finished so far, in order. */
  synchronized List<Canary> finished() {
    return List.copyOf(finished);
  }

  /** Returns the names of the RolloutCommands whose apply succeeded, in order. */
  synchronized List<String> commands() {
    return List.copyOf(commands);
  }

  /** Deploys the first revision, then runs every planned canary to its end. */
  void run() throws Exception {
    String first = image(0);
    applyUntilStored(first, "{duration: 1s}");
    Rollout healthy =
        await("first revision healthy", r -> r.getStatus().phase == RolloutPhase.Healthy);
    stable = healthy.getStatus().stableRevision;
    for (int i = 0; i < plans.size(); i++) {
      runCanary(i + 1, plans.get(i));
    }
  }

  private void runCanary(int index, Plan plan) throws Exception {
    Instant started = Instant.now();
    String image = image(index);
    if (plan == Plan.ABORTED_BY_ANALYSIS) {
      stack.simulator().failRequests(image, 0.5);
    }
    boolean waitsForCommand = plan.commandAction() != null;
    String revision = applyUntilStored(image, waitsForCommand ? "{}" : "{duration: 1s}");
    String previousStable = stable;

    String command = null;
    if (waitsForCommand) {
      await(
          "canary " + index + " waits at step 4/4",
          r ->
              revision.equals(r.getStatus().canaryRevision)
                  && r.getStatus().phase == RolloutPhase.Paused
                  && Integer.valueOf(3).equals(r.getStatus().currentStepIndex));
      command = plan.commandAction() + "-" + tag + "-" + index;
      applyCommand(command, plan.commandAction());
    }
    Predicate<Rollout> end =
        plan.aborts()
            ? r ->
                r.getStatus().phase == RolloutPhase.Aborted
                    && r.getStatus().abort != null
                    && revision.equals(r.getStatus().abort.revision)
            : r ->
                r.getStatus().phase == RolloutPhase.Healthy
                    && revision.equals(r.getStatus().stableRevision);

    String applied = command;
    Rollout ended =
        await(
            "canary " + index + " " + plan,
            r -> {
              if (applied != null) {
                requireNotRejected(applied);
              }
              return end.test(r);
            });
    stable = ended.getStatus().stableRevision;
    Duration took = Duration.between(started, Instant.now());
    LOG.info(
        "lane {}: canary {} {} ended {} in {}", tag, index, plan, ended.getStatus().phase, took);
    synchronized (this) {
      finished.add(new Canary(index, plan, image, revision, previousStable, command, ended, took));
    }
  }

  private String image(int index) {
    return "registry.example/shop:" + tag + "-r" + index;
  }

  /**
   * Applies the Rollout until the API server has stored it with this image, and returns the
   * revision of its pod template.
   */
  private String applyUntilStored(String image, String finalPause) {
    String manifest =
        RolloutManifests.rollout(namespace, NAME, image, stack.prometheus(), finalPause);
    Rollout[] stored = new Rollout[1];
    Awaitility.await("Rollout with " + image + " stored")
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              stack.kubectl().apply(manifest);
              stored[0] = rollout();
              return stored[0] != null
                  && image.equals(
                      stored[0].getSpec().template.getSpec().getContainers().get(0).getImage());
            });
    return RevisionHasher.hash(stored[0].getSpec().template);
  }

  /**
   * Applies a RolloutCommand until kubectl reports it applied. A repeated apply of the same
   * manifest after a lost response changes nothing, so the command exists once.
   */
  private void applyCommand(String name, String action) {
    // The reason names the command, because the operator rejects a command with the action, reason
    // and requester of one it accepted in the last 10 minutes as a duplicate.
    String manifest =
        RolloutManifests.command(namespace, name, NAME, action, "fault drill " + name);
    Awaitility.await("command " + name + " applied")
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              stack.kubectl().apply(manifest);
              return true;
            });
    synchronized (this) {
      commands.add(name);
    }
  }

  /** Fails the wait at once when the operator rejected a command that the plan needs. */
  private void requireNotRejected(String command) {
    RolloutCommand stored =
        stack
            .client()
            .resources(RolloutCommand.class)
            .inNamespace(namespace)
            .withName(command)
            .get();
    if (stored != null
        && stored.getStatus() != null
        && stored.getStatus().phase == RolloutCommandStatus.Phase.Rejected) {
      throw new CommandRejected(command + " was rejected: " + stored.getStatus().message);
    }
  }

  /** A planned command that the operator rejected, which no retry can change. */
  private static final class CommandRejected extends RuntimeException {
    CommandRejected(String message) {
      super(message);
    }
  }

  Rollout rollout() {
    return stack.client().resources(Rollout.class).inNamespace(namespace).withName(NAME).get();
  }

  private Rollout await(String description, Predicate<Rollout> condition) {
    Rollout[] last = new Rollout[1];
    try {
      Awaitility.await("lane " + tag + ": " + description)
          .atMost(timeout)
          .pollInterval(POLL)
          .ignoreExceptionsMatching(e -> !(e instanceof CommandRejected))
          .until(
              () -> {
                last[0] = rollout();
                return last[0] != null && last[0].getStatus() != null && condition.test(last[0]);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "lane "
              + tag
              + ": "
              + description
              + " not reached within "
              + timeout.toSeconds()
              + "s; last status: "
              + (last[0] == null ? "none" : describe(last[0])),
          e);
    }
    return last[0];
  }

  static String describe(Rollout rollout) {
    var status = rollout.getStatus();
    if (status == null) {
      return "no status";
    }
    return "phase "
        + status.phase
        + ", step "
        + status.step
        + ", stable "
        + status.stableRevision
        + ", canary "
        + status.canaryRevision
        + ", message "
        + status.message;
  }
}
