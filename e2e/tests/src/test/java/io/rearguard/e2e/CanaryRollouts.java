package io.rearguard.e2e;

/**
 * Rollout manifests with the canary steps that a test needs, as the YAML a user would apply with
 * kubectl. The Rollout always has four replicas and the pod label {@code app=<name>}.
 */
final class CanaryRollouts {
  /** Rollout name used by every test. Each test has its own namespace. */
  static final String NAME = "shop";

  private CanaryRollouts() {}

  /**
   * Returns a Rollout manifest.
   *
   * @param steps the YAML list under {@code strategy.canary.steps}, starting at column 0
   */
  static String rollout(String namespace, String image, int progressDeadlineSeconds, String steps) {
    return RolloutManifests.rolloutWithSteps(
        namespace, NAME, image, progressDeadlineSeconds, steps, "");
  }

  /**
   * Returns one analysis step, as a YAML list item, that measures the canary's error ratio with
   * {@link RolloutManifests#ERROR_RATIO_QUERY} against a maximum of 0.05.
   *
   * @param interval time between measurements, such as {@code 2s}
   * @param count measurements the step takes before it can pass
   * @param consecutiveErrorLimit consecutive Error measurements tolerated
   * @param onError {@code Abort} or {@code Pause}
   */
  static String errorRatioAnalysis(
      String prometheus, String interval, int count, int consecutiveErrorLimit, String onError) {
    return """
        - analysis:
            onError: %5$s
            metrics:
              - name: error-ratio
                interval: %2$s
                count: %3$d
                consecutiveErrorLimit: %4$d
                threshold:
                  max: 0.05
                prometheus:
                  address: %1$s
                  query: '%6$s'
        """
        .formatted(
            prometheus,
            interval,
            count,
            consecutiveErrorLimit,
            onError,
            RolloutManifests.ERROR_RATIO_QUERY);
  }
}
