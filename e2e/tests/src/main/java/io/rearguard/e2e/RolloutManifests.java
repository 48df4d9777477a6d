package io.rearguard.e2e;

/**
 * Rollout and command manifests used by the end-to-end tests and the demo, as the YAML a user would
 * apply with kubectl.
 */
public final class RolloutManifests {
  /** Error ratio of the canary over the last 10 seconds; 0 when it served no 5xx. */
  public static final String ERROR_RATIO_QUERY =
      "(sum(rate(simulator_requests_total{namespace=\"{{namespace}}\",rollout=\"{{rollout}}\","
          + "revision=\"{{canaryRevision}}\",code=~\"5..\"}[10s])) or vector(0))"
          + " / sum(rate(simulator_requests_total{namespace=\"{{namespace}}\","
          + "rollout=\"{{rollout}}\",revision=\"{{canaryRevision}}\"}[10s]))";

  /** The stack's on-call user (group rearguard:oncall), who may create RolloutCommands. */
  public static final String ONCALL_USER = "oncall-alice";

  private RolloutManifests() {}

  /**
   * Returns a Rollout of four replicas whose canary goes 25%, analysis, 50%, a pause, then full.
   *
   * @param finalPause pause step of the last stage, such as {@code {duration: 2s}} or {@code {}}
   */
  public static String rollout(
      String namespace, String name, String image, String prometheus, String finalPause) {
    return rollout(namespace, name, image, prometheus, null, finalPause, "");
  }

  /**
   * Returns the Rollout of {@link #rollout(String, String, String, String, String)} with more
   * fields under {@code spec} and, optionally, a pause step between the 25% step and the analysis.
   *
   * @param pauseBeforeAnalysis pause step inserted before the analysis, such as {@code {}}, or null
   *     for none
   * @param specBlocks YAML placed under {@code spec}, starting at column 0, such as an {@code slo}
   *     block
   */
  public static String rollout(
      String namespace,
      String name,
      String image,
      String prometheus,
      String pauseBeforeAnalysis,
      String finalPause,
      String specBlocks) {
    String hold = pauseBeforeAnalysis == null ? "" : "- pause: " + pauseBeforeAnalysis + "\n";
    String analysis =
        """
        - analysis:
            metrics:
              - name: error-ratio
                interval: 2s
                count: 3
                consecutiveErrorLimit: 4
                threshold:
                  max: 0.05
                prometheus:
                  address: %1$s
                  query: '%2$s'
        - setWeight: 50
        - pause: %3$s
        """
            .formatted(prometheus, ERROR_RATIO_QUERY, finalPause);
    return rolloutWithSteps(
        namespace, name, image, 120, "- setWeight: 25\n" + hold + analysis, specBlocks);
  }

  /**
   * Returns a Rollout of four replicas with the pod label {@code app=<name>} and the given steps.
   *
   * @param steps the YAML list under {@code strategy.canary.steps}, starting at column 0
   * @param specBlocks YAML placed under {@code spec}, starting at column 0, or "" for none
   */
  public static String rolloutWithSteps(
      String namespace,
      String name,
      String image,
      int progressDeadlineSeconds,
      String steps,
      String specBlocks) {
    String head =
        """
        apiVersion: rearguard.io/v1alpha1
        kind: Rollout
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          replicas: 4
          progressDeadlineSeconds: %4$d
          selector:
            matchLabels:
              app: %2$s
          template:
            metadata:
              labels:
                app: %2$s
            spec:
              containers:
                - name: app
                  image: %3$s
          strategy:
            canary:
              steps:
        """
            .formatted(namespace, name, image, progressDeadlineSeconds);
    return head + steps.indent(8) + specBlocks.indent(2);
  }

  /**
   * Returns a RolloutCommand manifest requested by {@link #ONCALL_USER}. Apply it as that user
   * ({@link Kubectl#apply} does): the admission policy in manifests/admission.yaml rejects a
   * command whose requestedBy is not the applying user.
   */
  public static String command(
      String namespace, String name, String rollout, String action, String reason) {
    return command(namespace, name, rollout, action, reason, ONCALL_USER);
  }

  /** Returns a RolloutCommand manifest with the given requester. */
  public static String command(
      String namespace,
      String name,
      String rollout,
      String action,
      String reason,
      String requestedBy) {
    return """
        apiVersion: rearguard.io/v1alpha1
        kind: RolloutCommand
        metadata:
          name: %2$s
          namespace: %1$s
        spec:
          rollout: %3$s
          action: %4$s
          reason: "%5$s"
          requestedBy: %6$s
        """
        .formatted(namespace, name, rollout, action, reason, requestedBy);
  }
}
