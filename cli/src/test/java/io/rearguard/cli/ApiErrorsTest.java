package io.rearguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {
  private static final Session SESSION = new Session(null, "shop", "https://127.0.0.1:6443");

  private static KubernetesClientException error(int code, String message) {
    return new KubernetesClientException(
        new StatusBuilder().withCode(code).withMessage(message).build());
  }

  @Test
  void admissionPolicyDenialShowsPolicyMessage() {
    String text =
        ApiErrors.describe(
            error(
                403,
                "ValidatingAdmissionPolicy 'rearguard-command-requester' denied request:"
                    + " spec.requestedBy must be the user who creates the command"),
            "Rollout shop/checkout",
            SESSION);

    assertThat(text)
        .startsWith("rejected by an admission policy: ValidatingAdmissionPolicy")
        .doesNotContain("not permitted");
  }

  @Test
  void notFoundNamesSubjectAndNamespace() {
    assertThat(ApiErrors.describe(error(404, "not found"), "Rollout shop/checkout", SESSION))
        .isEqualTo(
            "Rollout shop/checkout not found in namespace shop; check the name and the namespace"
                + " (-n)");
  }

  @Test
  void unauthorizedSuggestsNewCredentials() {
    assertThat(ApiErrors.describe(error(401, "Unauthorized"), "Rollout shop/checkout", SESSION))
        .contains("not authenticated")
        .contains("https://127.0.0.1:6443");
  }

  @Test
  void unreachableServerNamesAddressAndCause() {
    var e =
        new KubernetesClientException(
            "Operation failed", new ConnectException("Connection refused"));

    assertThat(ApiErrors.describe(e, "Rollout shop/checkout", SESSION))
        .isEqualTo(
            "cannot reach the API server at https://127.0.0.1:6443 (Connection refused); check"
                + " --kubeconfig and that the cluster is up");
  }

  @Test
  void invalidRequestShowsServerMessage() {
    assertThat(
            ApiErrors.describe(
                error(422, "spec.reason: Invalid value"), "Rollout shop/checkout", SESSION))
        .isEqualTo("invalid request for Rollout shop/checkout: spec.reason: Invalid value");
  }
}
