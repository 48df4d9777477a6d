package io.rearguard.admission;

import static io.rearguard.admission.Reviews.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.policy.PolicyCompiler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyAdmissionTest {
  private static final String PINNED =
      "revision.images.all(i, i.digest.matches('^sha256:[0-9a-f]{64}$'))";

  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final PolicyAdmission admission = new PolicyAdmission(executor, Duration.ofSeconds(10));

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private AdmissionResponse respond(byte[] body) throws Exception {
    AdmissionReview review = admission.review(body);
    assertThat(review.getApiVersion()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.getKind()).isEqualTo("AdmissionReview");
    assertThat(review.getResponse().getUid()).isEqualTo(Reviews.UID);
    return review.getResponse();
  }

  @Test
  void compilingPolicyIsAllowed() throws Exception {
    AdmissionResponse response =
        respond(
            Reviews.policy(
                "CREATE", "pinned", rule("images-pinned", PINNED), rule("small", "true")));

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getStatus()).isNull();
  }

  @Test
  void syntaxErrorIsDeniedWithLineAndColumn() throws Exception {
    String expression = "revision.images.size() > 0 &&\n  revision.labels['team'] = 'shop'";
    PolicyCompiler.CompileError expected = PolicyCompiler.compileRule(expression).errors().get(0);

    AdmissionResponse response =
        respond(Reviews.policy("CREATE", "broken", rule("ok", "true"), rule("team", expression)));

    assertThat(expected.line()).isEqualTo(2);
    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getCode()).isEqualTo(422);
    assertThat(response.getStatus().getReason()).isEqualTo("Invalid");
    assertThat(response.getStatus().getMessage())
        .startsWith("RolloutPolicy shop/broken is invalid: ")
        .contains("rule \"team\": expression 2:" + expected.column() + ": ")
        .doesNotContain("rule \"ok\"");
  }

  @Test
  void everyFailingRuleIsNamed() throws Exception {
    AdmissionResponse response =
        respond(
            Reviews.policy(
                "UPDATE",
                "two-bad",
                rule("first", "revison.images == []"),
                rule("second", "now <")));

    String message = response.getStatus().getMessage();
    assertThat(response.getAllowed()).isFalse();
    assertThat(message).containsPattern("rule \"first\": expression 1:\\d+: .*revison");
    assertThat(message).containsPattern("rule \"second\": expression 1:\\d+: ");
  }

  @Test
  void nonBoolRuleIsDenied() throws Exception {
    AdmissionResponse response =
        respond(Reviews.policy("CREATE", "counts", rule("image-count", "size(revision.images)")));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage())
        .contains("rule \"image-count\": expression 1:1: ")
        .contains("must return a bool");
  }

  @Test
  void invalidValueExpressionIsDenied() throws Exception {
    var rule = rule("pinned", PINNED);
    rule.valueExpression = "revision.images.map(i, i.image";

    AdmissionResponse response = respond(Reviews.policy("CREATE", "value", rule));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage())
        .containsPattern("rule \"pinned\": valueExpression 1:\\d+: ");
  }

  @Test
  void duplicateRuleNamesAreDenied() throws Exception {
    AdmissionResponse response =
        respond(
            Reviews.policy(
                "CREATE",
                "dupes",
                rule("same", "true"),
                rule("other", "true"),
                rule("same", PINNED)));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage())
        .contains("rule name \"same\" is used 2 times; rule names must be unique")
        .doesNotContain("\"other\"");
  }

  @Test
  void emptyRulesAreDenied() throws Exception {
    AdmissionResponse response = respond(Reviews.policy("CREATE", "empty"));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage()).contains("spec.rules is empty");
  }

  @Test
  void clusterPolicyIsValidatedAndNamedWithoutNamespace() throws Exception {
    AdmissionResponse response =
        respond(Reviews.clusterPolicy("CREATE", "freeze", rule("window", "now < ")));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage())
        .startsWith("ClusterRolloutPolicy freeze is invalid: ")
        .contains("rule \"window\": expression 1:");
  }

  @Test
  void deleteIsAllowedWithoutValidation() throws Exception {
    AdmissionResponse response =
        respond(Reviews.policy("DELETE", "broken", rule("bad", "revision.images.all(")));

    assertThat(response.getAllowed()).isTrue();
  }

  @Test
  void updateWithUnchangedSpecIsAllowed() throws Exception {
    var review =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            Serialization.jsonMapper()
                .readTree(Reviews.policy("UPDATE", "stored", rule("bad", "revision.images.all(")));
    var request = (com.fasterxml.jackson.databind.node.ObjectNode) review.get("request");
    request.set("oldObject", request.get("object").deepCopy());
    byte[] unchanged = Serialization.jsonMapper().writeValueAsBytes(review);
    var changedOld = request.get("oldObject").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) changedOld).putObject("spec");
    request.set("oldObject", changedOld);
    byte[] changed = Serialization.jsonMapper().writeValueAsBytes(review);

    assertThat(respond(unchanged).getAllowed()).isTrue();
    assertThat(respond(changed).getAllowed()).isFalse();
  }

  @Test
  void otherKindIsAllowedWithWarning() throws Exception {
    byte[] body = Reviews.body("CREATE", "Rollout", "shop", "checkout", rule("bad", "(("));

    AdmissionResponse response = respond(body);

    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getWarnings())
        .singleElement()
        .asString()
        .contains("Rollout")
        .contains("not checked");
  }

  @Test
  void malformedReviewsAreRejected() {
    Map<String, byte[]> cases =
        Map.of(
            "not JSON", "{\"apiVersion\":".getBytes(StandardCharsets.UTF_8),
            "a JSON array", "[]".getBytes(StandardCharsets.UTF_8),
            "v1beta1",
                Reviews.json(
                    Map.of("apiVersion", "admission.k8s.io/v1beta1", "kind", "AdmissionReview")),
            "no request",
                Reviews.json(
                    Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview")),
            "no uid",
                Reviews.json(
                    Map.of(
                        "apiVersion",
                        "admission.k8s.io/v1",
                        "kind",
                        "AdmissionReview",
                        "request",
                        Map.of("kind", Map.of("group", "rearguard.io", "kind", "RolloutPolicy")))));
    Map<String, String> expected =
        Map.of(
            "not JSON", "the body is not JSON",
            "a JSON array", "the body is not a JSON object",
            "v1beta1", "expected an AdmissionReview of admission.k8s.io/v1",
            "no request", "request is missing",
            "no uid", "request.uid is missing");

    cases.forEach(
        (name, body) ->
            assertThatThrownBy(() -> admission.review(body))
                .as(name)
                .isInstanceOf(PolicyAdmission.MalformedReviewException.class)
                .hasMessageContaining(expected.get(name)));
  }

  @Test
  void missingObjectOnCreateIsMalformed() throws Exception {
    var review =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            Serialization.jsonMapper().readTree(Reviews.policy("CREATE", "x", rule("a", "true")));
    ((com.fasterxml.jackson.databind.node.ObjectNode) review.get("request")).remove("object");
    byte[] body = Serialization.jsonMapper().writeValueAsBytes(review);

    assertThatThrownBy(() -> admission.review(body))
        .isInstanceOf(PolicyAdmission.MalformedReviewException.class)
        .hasMessageContaining("request.object is missing for a CREATE");
  }

  @Test
  void validationPastTimeoutIsDenied() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService busy = Executors.newSingleThreadExecutor();
    try {
      busy.submit(
          () -> {
            release.await();
            return null;
          });
      PolicyAdmission slow = new PolicyAdmission(busy, Duration.ofMillis(50));

      AdmissionResponse response =
          slow.review(Reviews.policy("CREATE", "late", rule("a", "true"))).getResponse();

      assertThat(response.getAllowed()).isFalse();
      assertThat(response.getStatus().getMessage())
          .contains("validation did not finish within 50 ms");
    } finally {
      release.countDown();
      busy.shutdownNow();
    }
  }

  @Test
  void fullValidationQueueIsDenied() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ThreadPoolExecutor full =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
    try {
      full.submit(
          () -> {
            release.await();
            return null;
          });
      full.submit(
          () -> {
            release.await();
            return null;
          });
      PolicyAdmission crowded = new PolicyAdmission(full, Duration.ofSeconds(5));

      AdmissionResponse response =
          crowded.review(Reviews.policy("CREATE", "crowded", rule("a", "true"))).getResponse();

      assertThat(response.getAllowed()).isFalse();
      assertThat(response.getStatus().getMessage()).contains("the webhook is busy");
    } finally {
      release.countDown();
      full.shutdownNow();
    }
  }

  @Test
  void longDenialIsCut() throws Exception {
    List<io.rearguard.api.PolicyRule> rules = new java.util.ArrayList<>();
    for (int i = 0; i < 32; i++) {
      rules.add(rule("rule-" + i, "x".repeat(400) + " > 1"));
    }

    AdmissionResponse response =
        respond(
            Reviews.policy("CREATE", "long", rules.toArray(io.rearguard.api.PolicyRule[]::new)));

    assertThat(response.getStatus().getMessage())
        .hasSize(PolicyAdmission.MAX_MESSAGE_LENGTH)
        .endsWith("...");
  }
}
