package io.rearguard.e2e;

import static io.rearguard.e2e.CanaryRollouts.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPhase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A third revision applied while a canary is in progress. The superseded canary must be scaled away
 * before the new one gets pods, so at most two revisions ever have ready pods, and so receive
 * traffic, at the same time.
 */
class RevisionSupersedeIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final Duration SAMPLE_DELAY = Duration.ofMillis(100);
  private static final String STEPS =
      """
      - setWeight: 50
      - pause: {}
      """;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static OperatorStack env;

  @BeforeAll
  static void start() throws Exception {
    env = new OperatorStack("operator-revision-supersede-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void thirdRevisionKeepsAtMostTwoServing() throws Exception {
    // given v1 stable and a v2 canary at 50%, waiting at its pause
    String namespace = E2eStack.createNamespace(env.client, "supersede");
    String v1 = apply(namespace, "registry.example/shop:v1", "v1 healthy", RolloutPhase.Healthy);
    String v2 = apply(namespace, "registry.example/shop:v2", "v2 waits", RolloutPhase.Paused);

    // when v3 is applied, waits at its pause, and is promoted
    List<Sampler.Sample<Set<String>>> replicaSetSamples;
    List<Sampler.Sample<Set<String>>> splitSamples;
    List<Set<String>> watched;
    Rollout promoted;
    Map<String, Integer> readyWhileV3Waits;
    try (ServingWatch watch = ServingWatch.start(namespace);
        Sampler<Set<String>> replicaSets =
            Sampler.start("replicasets", SAMPLE_DELAY, () -> servingReplicaSets(namespace));
        Sampler<Set<String>> split =
            Sampler.start("split", SAMPLE_DELAY, () -> servingInSplit(namespace))) {
      String v3 = apply(namespace, "registry.example/shop:v3", "v3 waits", RolloutPhase.Paused);
      readyWhileV3Waits = NamespaceReads.readyByRevision(env.client, namespace);
      env.kubectl.apply(
          RolloutManifests.command(namespace, "promote-v3", NAME, "promote", "v3 verified"));
      promoted =
          env.awaitRollout(
              namespace,
              NAME,
              TIMEOUT,
              "v3 promoted",
              r ->
                  v3.equals(r.getStatus().stableRevision)
                      && r.getStatus().phase == RolloutPhase.Healthy);
      replicaSetSamples = replicaSets.samples();
      splitSamples = split.samples();
      watched = watch.states();
    }
    String v3 = promoted.getStatus().stableRevision;

    // then no sample and no watched state had more than two revisions with ready pods or traffic
    assertThat(replicaSetSamples).hasSizeGreaterThan(5);
    assertThat(replicaSetSamples).allSatisfy(s -> assertThat(s.value()).hasSizeLessThan(3));
    assertThat(replicaSetSamples).anyMatch(s -> s.value().equals(Set.of(v1, v2)));
    assertThat(replicaSetSamples).anyMatch(s -> s.value().equals(Set.of(v1, v3)));
    assertThat(watched).hasSizeGreaterThan(5);
    assertThat(watched).allSatisfy(state -> assertThat(state).hasSizeLessThan(3));
    assertThat(splitSamples).hasSizeGreaterThan(5);
    assertThat(splitSamples).allSatisfy(s -> assertThat(s.value()).hasSizeLessThan(3));

    // and v2 was scaled away before v3 took its share
    assertThat(readyWhileV3Waits).containsEntry(v2, 0);
    assertThat(readyWhileV3Waits).containsEntry(v3, 2);
    assertThat(NamespaceReads.specByRevision(env.client, namespace)).containsEntry(v2, 0);
    assertThat(NamespaceReads.eventMessages(env.client, namespace, "CanarySuperseded"))
        .anyMatch(m -> m.contains(v2) && m.contains(v3));
    // The status is written before the old ReplicaSet is scaled down, so its pods go shortly after.
    org.awaitility.Awaitility.await("v1 pods gone after the promotion")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(NamespaceReads.readyByRevision(env.client, namespace))
                    .containsEntry(v3, 4)
                    .containsEntry(v1, 0));
  }

  /** Applies an image, waits for a phase and returns the canary revision, or the stable one. */
  private static String apply(
      String namespace, String image, String description, RolloutPhase phase) throws Exception {
    env.kubectl.apply(CanaryRollouts.rollout(namespace, image, 120, STEPS));
    Rollout reached =
        env.awaitRollout(
            namespace,
            NAME,
            TIMEOUT,
            description,
            r ->
                Objects.equals(r.getStatus().observedGeneration, r.getMetadata().getGeneration())
                    && image.equals(currentImage(r))
                    && r.getStatus().phase == phase);
    String canary = reached.getStatus().canaryRevision;
    return canary != null ? canary : reached.getStatus().stableRevision;
  }

  private static String currentImage(Rollout rollout) {
    return rollout.getSpec().template.getSpec().getContainers().get(0).getImage();
  }

  private static Set<String> servingReplicaSets(String namespace) {
    return NamespaceReads.servingRevisions(
        env.client.apps().replicaSets().inNamespace(namespace).list().getItems());
  }

  /**
   * Records the serving revisions after every ReplicaSet watch event, so that a state too short for
   * the samplers to see is still checked.
   */
  private static final class ServingWatch implements AutoCloseable {
    private final List<Set<String>> states = new CopyOnWriteArrayList<>();
    private final SharedIndexInformer<ReplicaSet> informer;

    private ServingWatch(String namespace) {
      informer = env.client.apps().replicaSets().inNamespace(namespace).runnableInformer(0);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(ReplicaSet replicaSet) {
              record();
            }

            @Override
            public void onUpdate(ReplicaSet before, ReplicaSet after) {
              record();
            }

            @Override
            public void onDelete(ReplicaSet replicaSet, boolean finalStateUnknown) {
              record();
            }
          });
    }

    static ServingWatch start(String namespace) {
      ServingWatch watch = new ServingWatch(namespace);
      watch.informer.run();
      return watch;
    }

    private void record() {
      states.add(NamespaceReads.servingRevisions(informer.getStore().list()));
    }

    List<Set<String>> states() {
      return List.copyOf(states);
    }

    @Override
    public void close() {
      informer.close();
    }
  }

  /** Returns the revisions of the Rollout with a weight above 0 in the simulator's GET /split. */
  private static Set<String> servingInSplit(String namespace) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + env.stack.simulatorPort() + "/split");
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
    Set<String> serving = new TreeSet<>();
    for (JsonNode rollout : JSON.readTree(response.body()).path("rollouts")) {
      if (namespace.equals(rollout.path("namespace").asText())
          && NAME.equals(rollout.path("rollout").asText())) {
        for (JsonNode revision : rollout.path("revisions")) {
          if (revision.path("weight").asDouble() > 0) {
            serving.add(revision.path("revision").asText());
          }
        }
      }
    }
    return serving;
  }
}
