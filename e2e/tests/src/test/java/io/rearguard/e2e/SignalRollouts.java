package io.rearguard.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Rollout manifests with spec.slo, spec.invariants, spec.rehearsal and a freeze override, on the
 * traffic simulator's counters, and the simulator fault that makes an image violate an invariant.
 * Every Rollout has four replicas, the name {@link CanaryRollouts#NAME} and the steps 25% and an
 * indefinite pause.
 */
final class SignalRollouts {
  /**
   * Failed requests of the Rollout, all revisions, because the operator adds the revision label.
   */
  static final String ERROR_SELECTOR =
      "simulator_requests_total{namespace=\"{{namespace}}\",rollout=\"{{rollout}}\",code=\"500\"}";

  /** All requests of the Rollout. */
  static final String TOTAL_SELECTOR =
      "simulator_requests_total{namespace=\"{{namespace}}\",rollout=\"{{rollout}}\"}";

  /** Invariant violations that the simulator reports. */
  static final String VIOLATIONS_SELECTOR =
      "simulator_invariant_violations_total{namespace=\"{{namespace}}\",rollout=\"{{rollout}}\"}";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private SignalRollouts() {}

  /**
   * Returns a Rollout manifest.
   *
   * @param specBlocks YAML placed under {@code spec}, starting at column 0, such as {@link #slo}
   */
  static String rollout(String namespace, String image, String specBlocks) {
    return RolloutManifests.rolloutWithSteps(
        namespace, CanaryRollouts.NAME, image, 300, "- setWeight: 25\n- pause: {}\n", specBlocks);
  }

  /**
   * Returns a spec.slo block with objective 90% (a 10% error budget), evaluated every 2 s, and one
   * trigger "fast" that fires above a burn rate of 2 over 20s and 5s.
   */
  static String slo(String prometheus) {
    return """
        slo:
          prometheusAddress: %s
          objective: 90
          errorSelector: '%s'
          totalSelector: '%s'
          interval: 2s
          consecutiveErrorLimit: 10
          triggers:
            - name: fast
              burnRate: 2
              longWindow: 20s
              shortWindow: 5s
        """
        .formatted(prometheus, ERROR_SELECTOR, TOTAL_SELECTOR);
  }

  /**
   * Returns a spec.slo block without triggers whose release freeze starts below 50% of the budget
   * left over a 2-minute compliance window, read every second.
   */
  static String freeze(String prometheus) {
    return """
        slo:
          prometheusAddress: %s
          objective: 90
          errorSelector: '%s'
          totalSelector: '%s'
          interval: 1s
          complianceWindow: 2m
          freezeBelowBudgetPercent: 50
        """
        .formatted(prometheus, ERROR_SELECTOR, TOTAL_SELECTOR);
  }

  /** Returns a spec.releaseFreezeOverride block. */
  static String override(java.time.Instant expires) {
    return """
        releaseFreezeOverride:
          reason: "hotfix for a broken checkout"
          expires: "%s"
          requestedBy: oncall-alice
        """
        .formatted(expires);
  }

  /** Returns a spec.invariants block with one counter "double-charge", read every second. */
  static String invariants(String prometheus) {
    return """
        invariants:
          prometheusAddress: %s
          interval: 1s
          window: 10s
          counters:
            - name: double-charge
              selector: '%s'
        """
        .formatted(prometheus, VIOLATIONS_SELECTOR);
  }

  /** Returns a spec.rehearsal block. */
  static String rehearsal(String mode, int maxRollbackSeconds) {
    return """
        rehearsal:
          mode: %s
          maxRollbackSeconds: %d
          minStableReadyPercent: 100
        """
        .formatted(mode, maxRollbackSeconds);
  }

  /**
   * Makes the simulator report invariant violations for the pods of an image, through its {@code
   * PUT /faults} endpoint on loopback.
   */
  static void violateInvariant(E2eStack stack, String image, double perSecond)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + stack.simulatorPort() + "/faults");
    String body =
        "{\"image\":\"" + image + "\",\"invariantViolationsPerSecond\":" + perSecond + "}";
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "PUT /faults failed with " + response.statusCode() + ": " + response.body());
    }
  }
}
