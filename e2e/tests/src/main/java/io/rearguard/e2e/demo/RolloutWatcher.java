package io.rearguard.e2e.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rearguard.api.Rollout;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Polls one Rollout and its Events, prints each change through a {@link ProgressView}, and waits
 * for conditions with a time limit.
 */
final class RolloutWatcher {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final ProgressView view;
  private final PrintStream out;
  private final Clock clock;
  private Rollout last;

  RolloutWatcher(
      KubernetesClient client,
      String namespace,
      String name,
      ProgressView view,
      PrintStream out,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.view = view;
    this.out = out;
    this.clock = clock;
  }

  /** Raised when a stage's condition does not hold in time. */
  static final class StageFailure extends Exception {
    private final String seen;

    StageFailure(String seen) {
      super(seen);
      this.seen = seen;
    }

    String seen() {
      return seen;
    }
  }

  /**
   * Polls until the Rollout matches, printing every change on the way.
   *
   * @param ruledOut a state from which the condition is not expected any more, such as Aborted
   *     while a promotion is awaited. The wait fails at once when the Rollout reaches it.
   * @throws StageFailure with the last status seen, when the time limit passes first or the Rollout
   *     reaches a ruled-out state
   */
  Rollout await(
      String stage, Duration timeout, Predicate<Rollout> condition, Predicate<Rollout> ruledOut)
      throws StageFailure, InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      Rollout rollout = poll(stage);
      if (rollout != null && rollout.getStatus() != null && condition.test(rollout)) {
        return rollout;
      }
      if (rollout != null && rollout.getStatus() != null && ruledOut.test(rollout)) {
        throw new StageFailure(
            "the Rollout reached a state that rules this out: " + lastStatusText());
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new StageFailure(
            "after " + timeout.toSeconds() + " s the Rollout showed: " + lastStatusText());
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /** Reads the Rollout and its Events once, prints what changed and returns the Rollout. */
  Rollout poll(String stage) {
    Rollout rollout;
    try {
      rollout = client.resources(Rollout.class).inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      out.println(stage + "  reading Rollout " + namespace + "/" + name + " failed: " + e);
      return null;
    }
    if (rollout == null) {
      return null;
    }
    last = rollout;
    Instant observed = clock.instant();
    // The operator writes the status before it creates the Events of a pass, so the decision is
    // known before its own Event arrives, and the view drops that Event as a duplicate. The
    // decision is the last transition of its pass, so it is printed after the other Events.
    Optional<String> decision =
        rollout.getStatus() == null
            ? Optional.empty()
            : view.decisionLine(stage, rollout.getStatus().lastDecision);
    for (Event event : events()) {
      view.eventLine(stage, event).ifPresent(out::println);
    }
    decision.ifPresent(out::println);
    view.rehearsalLine(stage, rollout).ifPresent(out::println);
    // Printed last, because it carries the time of this read, which is later than the decision's.
    view.statusLine(observed, stage, rollout).ifPresent(out::println);
    return rollout;
  }

  /**
   * Returns the Events of the Rollout in time order. The API server stores their timestamps in
   * whole seconds, so Events of the same second are ordered by resourceVersion.
   */
  List<Event> events() {
    List<Event> events;
    try {
      events =
          client
              .v1()
              .events()
              .inNamespace(namespace)
              .withField("involvedObject.kind", "Rollout")
              .withField("involvedObject.name", name)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      out.println("listing the Events of " + namespace + "/" + name + " failed: " + e);
      return List.of();
    }
    // NOTE: resourceVersion is opaque by API contract. On a single etcd it grows with each write,
    // which is all this tie-break needs.
    return events.stream()
        .sorted(
            Comparator.comparing((Event e) -> String.valueOf(ProgressView.eventTime(e)))
                .thenComparingLong(RolloutWatcher::resourceVersion))
        .toList();
  }

  /** Returns the status line of the last Rollout read, for failure messages. */
  String lastStatusText() {
    return last == null ? "no Rollout found" : ProgressView.statusText(last);
  }

  private static long resourceVersion(Event event) {
    try {
      return Long.parseLong(event.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return Long.MAX_VALUE;
    }
  }
}
