package io.rearguard.e2e.demo;

import io.rearguard.e2e.RolloutManifests;

/**
 * The demo Rollout's manifest: the steps of {@link RolloutManifests}, plus an SLO with one
 * burn-rate trigger and a rollback drill before each canary's first traffic.
 */
final class DemoManifests {
  /** SLO objective in percent of requests without status 500, which leaves a 1% error budget. */
  static final double OBJECTIVE = 99;

  static final String TRIGGER = "fast";
  static final String LONG_WINDOW = "30s";
  static final String SHORT_WINDOW = "10s";

  /**
   * Burn-rate threshold of the trigger. With a 1% budget it fires above a 20% error ratio over both
   * windows. Stage 3's 8% error rate gives a burn rate of about 8, so that stage's abort comes from
   * the step analysis (max 0.05) and not from the trigger. Over 1 s of canary traffic at 250
   * requests/s, an 8% error ratio has a standard deviation of about 1.7 percentage points, which
   * puts 20% about 7 standard deviations away (a binomial estimate).
   */
  static final double BURN_RATE_THRESHOLD = 20;

  /** A drill that takes longer than this halts the canary before it gets traffic. */
  static final int MAX_ROLLBACK_SECONDS = 30;

  /** Failed requests of the Rollout. The operator adds the revision label to select one side. */
  private static final String ERROR_SELECTOR =
      "simulator_requests_total{namespace=\"{{namespace}}\",rollout=\"{{rollout}}\",code=\"500\"}";

  private static final String TOTAL_SELECTOR =
      "simulator_requests_total{namespace=\"{{namespace}}\",rollout=\"{{rollout}}\"}";

  private DemoManifests() {}

  /**
   * Returns the Rollout manifest.
   *
   * @param pauseBeforeAnalysis pause step before the analysis, such as {@code {}}, or null for none
   * @param finalPause pause step of the last stage, such as {@code {duration: 2s}} or {@code {}}
   */
  static String rollout(
      String image, String prometheus, String pauseBeforeAnalysis, String finalPause) {
    return RolloutManifests.rollout(
        DemoStages.NAMESPACE,
        DemoStages.ROLLOUT,
        image,
        prometheus,
        pauseBeforeAnalysis,
        finalPause,
        signals(prometheus));
  }

  /**
   * Returns the spec.slo and spec.rehearsal blocks. The triggers are read every second. Before the
   * canary pod is ready and scraped twice they have no data, and 30 such readings in a row would
   * abort the canary with AnalysisError, so a slow start has about 30 s.
   */
  static String signals(String prometheus) {
    return """
        slo:
          prometheusAddress: %s
          objective: %s
          errorSelector: '%s'
          totalSelector: '%s'
          interval: 1s
          consecutiveErrorLimit: 30
          triggers:
            - name: %s
              burnRate: %s
              longWindow: %s
              shortWindow: %s
        rehearsal:
          mode: Drill
          maxRollbackSeconds: %d
        """
        .formatted(
            prometheus,
            ProgressView.number(OBJECTIVE),
            ERROR_SELECTOR,
            TOTAL_SELECTOR,
            TRIGGER,
            ProgressView.number(BURN_RATE_THRESHOLD),
            LONG_WINDOW,
            SHORT_WINDOW,
            MAX_ROLLBACK_SECONDS);
  }

  /** Describes the SLO and the rehearsal in one line, for the demo's header. */
  static String describe() {
    return String.format(
        "SLO %s%% of requests without status 500; trigger %s fires when the canary's burn rate"
            + " exceeds %s over both %s and %s (read every 1s); rehearsal: Drill, max %d s",
        ProgressView.number(OBJECTIVE),
        TRIGGER,
        ProgressView.number(BURN_RATE_THRESHOLD),
        LONG_WINDOW,
        SHORT_WINDOW,
        MAX_ROLLBACK_SECONDS);
  }
}
