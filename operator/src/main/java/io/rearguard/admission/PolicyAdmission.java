package io.rearguard.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.ClusterRolloutPolicySpec;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutPolicySpec;
import io.rearguard.policy.PolicyRef;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates RolloutPolicy and ClusterRolloutPolicy objects sent in admission.k8s.io/v1
 * AdmissionReviews: a CREATE or UPDATE is denied when {@link PolicyValidator} finds a problem, with
 * every problem in the message. Other kinds and operations are allowed unchanged.
 *
 * <p>Validation runs on a separate executor and is bounded by a timeout. A review that times out,
 * or that finds the executor full, is denied, because a policy that was never compiled must not be
 * stored.
 */
public final class PolicyAdmission {
  /** The only AdmissionReview version served; the webhook configuration must ask for it. */
  public static final String REVIEW_API_VERSION = "admission.k8s.io/v1";

  /** Maximum length of a denial message, in characters. Longer ones are cut and end with "...". */
  static final int MAX_MESSAGE_LENGTH = 8192;

  private static final Logger LOG = LoggerFactory.getLogger(PolicyAdmission.class);
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();

  private final ExecutorService validation;
  private final Duration timeout;

  /**
   * Creates a handler.
   *
   * @param validation executor that compiles the rules; a bounded queue makes a flood of reviews
   *     fail fast instead of piling up
   * @param timeout longest wait for one validation; keep it below the webhook's timeoutSeconds
   */
  public PolicyAdmission(ExecutorService validation, Duration timeout) {
    this.validation = validation;
    this.timeout = timeout;
  }

  /** A request body that is not a usable AdmissionReview. The webhook responds with status 400. */
  public static final class MalformedReviewException extends Exception {
    MalformedReviewException(String message) {
      super(message);
    }
  }

  /**
   * Validates the request of an AdmissionReview and returns the AdmissionReview with the response.
   *
   * @throws MalformedReviewException when the body is not JSON, not an admission.k8s.io/v1
   *     AdmissionReview, or lacks the request's uid, kind or object
   */
  public AdmissionReview review(byte[] body) throws MalformedReviewException {
    JsonNode request = request(body);
    String uid = text(request, "uid");
    String operation = text(request, "operation");
    String group = text(request.path("kind"), "group");
    String kind = text(request.path("kind"), "kind");

    if (uid.isEmpty()) {
      throw new MalformedReviewException("request.uid is missing");
    }
    if (kind.isEmpty()) {
      throw new MalformedReviewException("request.kind.kind is missing");
    }
    boolean cluster = PolicyRef.CLUSTER_KIND.equals(kind);
    boolean policy = cluster || PolicyRef.NAMESPACED_KIND.equals(kind);
    if (!Rollout.GROUP.equals(group) || !policy) {
      return allowed(
          uid,
          List.of(
              "the Rearguard webhook validates only RolloutPolicy and ClusterRolloutPolicy of "
                  + Rollout.GROUP
                  + "; "
                  + kind
                  + " of group '"
                  + group
                  + "' was not checked"));
    }
    if (!"CREATE".equals(operation) && !"UPDATE".equals(operation)) {
      return allowed(uid, List.of());
    }

    JsonNode object = request.get("object");
    if (object == null || !object.isObject()) {
      throw new MalformedReviewException("request.object is missing for a " + operation);
    }
    String subject = subject(kind, request, object);
    JsonNode old = request.get("oldObject");
    if ("UPDATE".equals(operation) && old != null && old.path("spec").equals(object.path("spec"))) {
      // A policy stored before the webhook was installed must stay editable (labels, finalizers)
      // and deletable, so an update that leaves the spec alone is not validated.
      return allowed(uid, List.of());
    }
    RolloutPolicySpec spec;
    try {
      JsonNode specNode = object.path("spec");
      Class<? extends RolloutPolicySpec> type =
          cluster ? ClusterRolloutPolicySpec.class : RolloutPolicySpec.class;
      spec = specNode.isObject() ? MAPPER.treeToValue(specNode, type) : null;
    } catch (JsonProcessingException e) {
      return denied(uid, subject, List.of("spec cannot be read: " + e.getOriginalMessage()));
    }

    List<String> problems = validate(subject, spec);
    if (problems.isEmpty()) {
      LOG.debug("allowed {} {} (review {})", operation, subject, uid);
      return allowed(uid, List.of());
    }
    LOG.info(
        "denied {} {} (review {}): {} problem(s), the first: {}",
        operation,
        subject,
        uid,
        problems.size(),
        problems.get(0));
    return denied(uid, subject, problems);
  }

  private List<String> validate(String subject, RolloutPolicySpec spec) {
    Future<List<String>> result;
    try {
      result = validation.submit(() -> PolicyValidator.problems(spec));
    } catch (RejectedExecutionException e) {
      LOG.warn("cannot validate {}: the validation queue is full", subject);
      return List.of("the webhook is busy validating other policies; try again");
    }
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      LOG.warn("validation of {} timed out after {} ms", subject, timeout.toMillis());
      return List.of("validation did not finish within " + timeout.toMillis() + " ms; try again");
    } catch (ExecutionException e) {
      LOG.error("validation of {} failed", subject, e.getCause());
      return List.of("validation failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.cancel(true);
      return List.of("validation was interrupted; try again");
    }
  }

  private static JsonNode request(byte[] body) throws MalformedReviewException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new MalformedReviewException(
          "the body is not JSON: "
              + (e instanceof JsonProcessingException json ? json.getOriginalMessage() : e));
    }
    if (root == null || !root.isObject()) {
      throw new MalformedReviewException("the body is not a JSON object");
    }
    String apiVersion = text(root, "apiVersion");
    String kind = text(root, "kind");
    if (!REVIEW_API_VERSION.equals(apiVersion) || !"AdmissionReview".equals(kind)) {
      throw new MalformedReviewException(
          "expected an AdmissionReview of "
              + REVIEW_API_VERSION
              + ", got kind '"
              + kind
              + "' of apiVersion '"
              + apiVersion
              + "'; set admissionReviewVersions: [v1] in the webhook configuration");
    }
    JsonNode request = root.get("request");
    if (request == null || !request.isObject()) {
      throw new MalformedReviewException("request is missing");
    }
    return request;
  }

  /** Returns "RolloutPolicy shop/name" or "ClusterRolloutPolicy name", for messages and logs. */
  private static String subject(String kind, JsonNode request, JsonNode object) {
    String name = text(object.path("metadata"), "name");
    if (name.isEmpty()) {
      name = text(request, "name");
    }
    if (name.isEmpty()) {
      name = text(object.path("metadata"), "generateName") + "*";
    }
    String namespace = text(request, "namespace");
    if (PolicyRef.CLUSTER_KIND.equals(kind) || namespace.isEmpty()) {
      return kind + " " + name;
    }
    return kind + " " + namespace + "/" + name;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || !value.isTextual() ? "" : value.asText();
  }

  private static AdmissionReview allowed(String uid, List<String> warnings) {
    AdmissionResponseBuilder response =
        new AdmissionResponseBuilder().withUid(uid).withAllowed(true);
    if (!warnings.isEmpty()) {
      response.withWarnings(warnings);
    }
    return review(response.build());
  }

  private static AdmissionReview denied(String uid, String subject, List<String> problems) {
    String message = subject + " is invalid: " + String.join("; ", problems);
    if (message.length() > MAX_MESSAGE_LENGTH) {
      message = message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
    }
    AdmissionResponse response =
        new AdmissionResponseBuilder()
            .withUid(uid)
            .withAllowed(false)
            .withStatus(
                new StatusBuilder()
                    .withStatus("Failure")
                    .withCode(422)
                    .withReason("Invalid")
                    .withMessage(message)
                    .build())
            .build();
    return review(response);
  }

  private static AdmissionReview review(AdmissionResponse response) {
    return new AdmissionReviewBuilder()
        .withApiVersion(REVIEW_API_VERSION)
        .withKind("AdmissionReview")
        .withResponse(response)
        .build();
  }
}
