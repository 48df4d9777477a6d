package io.rearguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.rearguard.api.Rollout;
import io.rearguard.testkit.Rollouts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyInputTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  static PodTemplateSpec template(String image, Map<String, String> annotations) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("app", "demo")
        .addToAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewInitContainer()
        .withName("migrate")
        .withImage("registry.local:5000/migrate:2")
        .endInitContainer()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void rolloutAnnotationsDropLastApplied() {
    Rollout rollout = Rollouts.rollout().build();
    rollout
        .getMetadata()
        .setAnnotations(Map.of(PolicyInput.LAST_APPLIED, "x".repeat(200_000), "owner", "payments"));

    PolicyInput input = PolicyInput.builder().rollout(rollout).now(NOW).build();

    Map<String, Object> metadata =
        (Map<String, Object>)
            ((Map<String, Object>) input.variables().get("rollout")).get("metadata");
    assertThat((Map<String, String>) metadata.get("annotations"))
        .containsOnly(Map.entry("owner", "payments"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void revisionHasImagesLabelsAnnotationsAndProvenance() {
    Rollout rollout = Rollouts.rollout().build();
    PolicyInput input =
        PolicyInput.builder()
            .rollout(rollout)
            .revision(
                "rev-new",
                template(
                    "registry.local/demo:2",
                    Map.of(
                        "provenance.rearguard.io/source-commit", "abc1234",
                        "team", "payments")))
            .now(NOW)
            .build();

    Map<String, Object> revision = (Map<String, Object>) input.variables().get("revision");
    assertThat(revision)
        .containsEntry("exists", true)
        .containsEntry("hash", "rev-new")
        .containsEntry("labels", Map.of("app", "demo"))
        .containsEntry("provenance", Map.of("source-commit", "abc1234"));
    assertThat((Map<String, String>) revision.get("annotations")).containsEntry("team", "payments");
    List<Map<String, Object>> images = (List<Map<String, Object>>) revision.get("images");
    assertThat(images).extracting(i -> i.get("container")).containsExactly("migrate", "app");
    assertThat(images.get(0))
        .containsEntry("registry", "registry.local:5000")
        .containsEntry("repository", "registry.local:5000/migrate")
        .containsEntry("tag", "2")
        .containsEntry("digest", "");
  }

  @Test
  @SuppressWarnings("unchecked")
  void stableIsMarkedAbsentWhenThereIsNone() {
    PolicyInput input = PolicyInput.builder().rollout(Rollouts.rollout().build()).now(NOW).build();

    Map<String, Object> stable = (Map<String, Object>) input.variables().get("stable");
    assertThat(stable)
        .containsEntry("exists", false)
        .containsEntry("hash", "")
        .containsEntry("images", List.of())
        .containsEntry("provenance", Map.of());
  }

  @Test
  @SuppressWarnings("unchecked")
  void rolloutStepsAndBudgetArePlainCelValues() {
    Rollout rollout =
        Rollouts.rollout().steps(Rollouts.setWeight(10), Rollouts.pause("1m")).build();
    rollout.getMetadata().setLabels(Map.of("tier", "web"));
    PolicyInput input =
        PolicyInput.builder().rollout(rollout).now(NOW).errorBudget(42.5, false).build();

    Map<String, Object> variables = input.variables(Map.of("n", 3L));
    assertThat(variables)
        .containsKeys("rollout", "revision", "stable", "now", "errorBudget", "steps", "params");
    assertThat(variables.get("now")).isEqualTo(NOW);
    assertThat((List<Object>) variables.get("steps"))
        .containsExactly(Map.of("setWeight", 10L), Map.of("pause", Map.of("duration", "1m")));
    assertThat((Map<String, Object>) variables.get("errorBudget"))
        .containsEntry("remaining", 42.5)
        .containsEntry("known", true)
        .containsEntry("frozen", false);
    Map<String, Object> rolloutMap = (Map<String, Object>) variables.get("rollout");
    Map<String, Object> metadata = (Map<String, Object>) rolloutMap.get("metadata");
    assertThat(metadata)
        .containsEntry("labels", Map.of("tier", "web"))
        .containsEntry("generation", 1L);
    assertThat((Map<String, Object>) rolloutMap.get("spec")).containsEntry("replicas", 10L);
  }

  @Test
  @SuppressWarnings("unchecked")
  void unknownBudgetIsMinusOne() {
    PolicyInput input =
        PolicyInput.builder().rollout(Rollouts.rollout().build()).errorBudget(null, true).build();

    assertThat((Map<String, Object>) input.variables().get("errorBudget"))
        .containsEntry("remaining", -1.0)
        .containsEntry("known", false)
        .containsEntry("frozen", true);
  }

  @Test
  void serializedSizeCountsTheWholeInput() {
    Rollout small = Rollouts.rollout().build();
    Rollout large = Rollouts.rollout().build();
    large.getMetadata().setAnnotations(Map.of("big", "x".repeat(10_000)));

    long smallSize = PolicyInput.builder().rollout(small).now(NOW).build().serializedSize();
    long largeSize = PolicyInput.builder().rollout(large).now(NOW).build().serializedSize();
    assertThat(largeSize - smallSize).isGreaterThan(10_000);
  }
}
