package io.rearguard.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/** Turns API errors into messages that name what failed and what to do next. */
final class ApiErrors {
  private ApiErrors() {}

  /**
   * Describes an API error.
   *
   * @param subject what the command was working on, such as "Rollout shop/checkout"
   */
  static String describe(KubernetesClientException e, String subject, Session session) {
    String detail =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    if (e.getCode() <= 0) {
      return "cannot reach the API server at "
          + session.server()
          + " ("
          + rootCause(e)
          + "); check --kubeconfig and that the cluster is up";
    }
    return switch (e.getCode()) {
      case HttpURLConnection.HTTP_NOT_FOUND ->
          subject
              + " not found in namespace "
              + session.namespace()
              + "; check the name and the namespace (-n)";
      case HttpURLConnection.HTTP_FORBIDDEN ->
          detail != null && detail.contains("ValidatingAdmissionPolicy")
              ? "rejected by an admission policy: " + detail
              : "not permitted: "
                  + detail
                  + ". Ask a cluster admin for a role that allows it (manifests/roles.yaml"
                  + " has examples: rearguard-oncall may issue commands)";
      case HttpURLConnection.HTTP_UNAUTHORIZED ->
          "not authenticated: the API server at "
              + session.server()
              + " rejected the credentials of the kubeconfig; log in again or pass --kubeconfig";
      case 422 -> "invalid request for " + subject + ": " + detail;
      default -> "request for " + subject + " failed with HTTP " + e.getCode() + ": " + detail;
    };
  }

  /** Returns the first cause with a message, or the deepest cause's type when none has one. */
  private static String rootCause(Throwable error) {
    Throwable cause = error.getCause();
    Throwable deepest = error;
    while (cause != null && cause != deepest) {
      if (cause.getMessage() != null) {
        return cause.getMessage();
      }
      if (cause instanceof java.net.ConnectException) {
        return "connection refused";
      }
      deepest = cause;
      cause = cause.getCause();
    }
    return deepest.getClass().getSimpleName();
  }
}
