package io.rearguard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestGeneratorTest {

  private static final RolloutId SHOP = new RolloutId("demo", "shop");
  private static final int REQUESTS = 20_000;

  /**
   * Allowed distance between a measured ratio and its configured probability. One binomial standard
   * deviation at p = 0.5 and n = 20,000 is about 0.0035, so 0.02 is over five of them.
   */
  private static final double RATIO_TOLERANCE = 0.02;

  private final FaultRegistry faults = new FaultRegistry();

  private static TrafficSplit split(RevisionWeight... revisions) {
    return new TrafficSplit(SHOP, List.of(revisions));
  }

  private static RevisionWeight revision(String hash, int ready, double weight) {
    return new RevisionWeight(hash, "registry.example/app:" + hash, ready, weight);
  }

  private List<SyntheticRequest> generate(TrafficSplit split, long seed) {
    RequestGenerator generator = new RequestGenerator(faults, new Random(seed));
    List<SyntheticRequest> requests = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      requests.add(generator.next(split));
    }
    return requests;
  }

  private static double ratio(List<SyntheticRequest> requests, int statusCode) {
    return requests.stream().filter(r -> r.statusCode() == statusCode).count()
        / (double) requests.size();
  }

  @Test
  void errorRatioMatchesConfiguredRate() {
    faults.put(new FaultRule(FaultTarget.revision("v2"), new FaultSettings(0.3, 0, 0)));

    List<SyntheticRequest> requests = generate(split(revision("v2", 1, 1.0)), 42);

    assertThat(ratio(requests, 500)).isBetween(0.3 - RATIO_TOLERANCE, 0.3 + RATIO_TOLERANCE);
    assertThat(requests).extracting(SyntheticRequest::statusCode).containsOnly(200, 500);
  }

  @Test
  void healthyRevisionNeverFails() {
    List<SyntheticRequest> requests = generate(split(revision("v1", 1, 1.0)), 7);

    assertThat(ratio(requests, 200)).isEqualTo(1.0);
  }

  @Test
  void errorRateOfOneAlwaysFails() {
    faults.put(
        new FaultRule(FaultTarget.image("registry.example/app:v2"), new FaultSettings(1, 0, 0)));

    List<SyntheticRequest> requests = generate(split(revision("v2", 1, 1.0)), 7);

    assertThat(ratio(requests, 500)).isEqualTo(1.0);
  }

  @Test
  void requestsFollowSplitWeights() {
    List<SyntheticRequest> requests =
        generate(split(revision("v1", 3, 0.75), revision("v2", 1, 0.25)), 42);

    double canaryShare =
        requests.stream().filter(r -> r.revision().revision().equals("v2")).count()
            / (double) REQUESTS;
    assertThat(canaryShare).isBetween(0.25 - RATIO_TOLERANCE, 0.25 + RATIO_TOLERANCE);
  }

  @Test
  void faultsApplyOnlyToTargetedRevision() {
    faults.put(new FaultRule(FaultTarget.revision("v2"), new FaultSettings(0.5, 0, 0)));

    List<SyntheticRequest> requests =
        generate(split(revision("v1", 1, 0.5), revision("v2", 1, 0.5)), 42);

    List<SyntheticRequest> stable =
        requests.stream().filter(r -> r.revision().revision().equals("v1")).toList();
    List<SyntheticRequest> canary =
        requests.stream().filter(r -> r.revision().revision().equals("v2")).toList();
    assertThat(ratio(stable, 500)).isZero();
    assertThat(ratio(canary, 500)).isBetween(0.5 - RATIO_TOLERANCE, 0.5 + RATIO_TOLERANCE);
  }

  @Test
  void latencyIsBasePlusAddedLatency() {
    faults.put(new FaultRule(FaultTarget.revision("v2"), new FaultSettings(0, 200, 0)));

    List<SyntheticRequest> slow = generate(split(revision("v2", 1, 1.0)), 1);
    List<SyntheticRequest> fast = generate(split(revision("v1", 1, 1.0)), 1);

    double baseMax =
        RequestGenerator.BASE_LATENCY_MIN_SECONDS + RequestGenerator.BASE_LATENCY_SPREAD_SECONDS;
    assertThat(fast)
        .extracting(SyntheticRequest::latencySeconds)
        .allSatisfy(
            latency ->
                assertThat(latency).isBetween(RequestGenerator.BASE_LATENCY_MIN_SECONDS, baseMax));
    assertThat(slow)
        .extracting(SyntheticRequest::latencySeconds)
        .allSatisfy(
            latency ->
                assertThat(latency)
                    .isBetween(0.2 + RequestGenerator.BASE_LATENCY_MIN_SECONDS, 0.2 + baseMax));
  }

  @Test
  void sameSeedGivesSameRequests() {
    faults.put(new FaultRule(FaultTarget.revision("v2"), new FaultSettings(0.3, 10, 0)));
    TrafficSplit split = split(revision("v1", 1, 0.5), revision("v2", 1, 0.5));

    assertThat(generate(split, 99)).isEqualTo(generate(split, 99));
    assertThat(generate(split, 99)).isNotEqualTo(generate(split, 100));
  }
}
