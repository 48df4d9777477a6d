package io.rearguard.e2e.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.rearguard.e2e.demo.RolloutWatcher.StageFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Waits for the Events a demo stage should create on the Rollout. */
final class EventChecks {
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(10);

  private final RolloutWatcher watcher;

  EventChecks(RolloutWatcher watcher) {
    this.watcher = watcher;
  }

  /** Returns the uids of the Rollout's Events so far, to tell later Events apart. */
  Set<String> eventUids() {
    return watcher.events().stream().map(e -> e.getMetadata().getUid()).collect(Collectors.toSet());
  }

  /** Returns what the Events of a promotion lack: a StepCompleted per step and Promoted. */
  static String missingPromotionEvents(List<Event> events, int steps) {
    List<String> missing = new ArrayList<>();
    for (int step = 1; step <= steps; step++) {
      String from = "from step " + step + "/" + steps;
      if (events.stream()
          .noneMatch(e -> "StepCompleted".equals(e.getReason()) && e.getMessage().contains(from))) {
        missing.add("StepCompleted " + from);
      }
    }
    if (events.stream().noneMatch(e -> "Promoted".equals(e.getReason()))) {
      missing.add("Promoted");
    }
    return String.join(", ", missing);
  }

  static String missingReason(List<Event> events, String reason) {
    return events.stream().anyMatch(e -> reason.equals(e.getReason())) ? "" : reason;
  }

  /**
   * Polls until the Events created since {@code before} lack nothing.
   *
   * @param missing returns what the Events lack, or "" when they are complete
   */
  void awaitEvents(String stage, Set<String> before, Function<List<Event>, String> missing)
      throws StageFailure, InterruptedException {
    Instant deadline = Instant.now().plus(EVENT_TIMEOUT);
    while (true) {
      watcher.poll(stage);
      List<Event> events = newEvents(before);
      String lacking = missing.apply(events);
      if (lacking.isEmpty()) {
        return;
      }
      if (!Instant.now().isBefore(deadline)) {
        throw new StageFailure(
            "no Event "
                + lacking
                + " within "
                + EVENT_TIMEOUT.toSeconds()
                + " s; reasons seen: "
                + reasons(events));
      }
      Thread.sleep(250);
    }
  }

  private List<Event> newEvents(Set<String> before) {
    return watcher.events().stream()
        .filter(e -> !before.contains(e.getMetadata().getUid()))
        .toList();
  }

  private static String reasons(List<Event> events) {
    return events.stream().map(Event::getReason).collect(Collectors.joining(", "));
  }
}
