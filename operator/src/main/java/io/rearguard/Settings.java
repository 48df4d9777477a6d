package io.rearguard;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operator settings, read from environment variables so that the Deployment and a local run use the
 * same names.
 *
 * @param namespaces namespaces to watch; empty means all namespaces (REARGUARD_NAMESPACES,
 *     comma-separated)
 * @param httpAddress address of the metrics and health server (REARGUARD_HTTP_ADDRESS)
 * @param httpPort port of the metrics and health server (REARGUARD_HTTP_PORT, default 8080)
 * @param leaderElection whether to elect a leader before reconciling (REARGUARD_LEADER_ELECTION,
 *     default true)
 * @param leaseNamespace namespace of the leader-election Lease (REARGUARD_LEASE_NAMESPACE, default
 *     rearguard-system)
 * @param jsonLogs whether to log JSON lines (REARGUARD_LOG_FORMAT=json)
 * @param queryTimeout timeout of one Prometheus query (REARGUARD_QUERY_TIMEOUT_SECONDS, default 5)
 * @param reconcileThreads concurrent reconciliations (REARGUARD_RECONCILE_THREADS, default 10)
 * @param webhookCertDir folder with the admission webhook's PEM files tls.crt and tls.key
 *     (REARGUARD_WEBHOOK_CERT_DIR); "" turns the webhook off
 * @param webhookPort HTTPS port of the admission webhook, on httpAddress (REARGUARD_WEBHOOK_PORT,
 *     default 8443)
 */
public record Settings(
    Set<String> namespaces,
    String httpAddress,
    int httpPort,
    boolean leaderElection,
    String leaseNamespace,
    boolean jsonLogs,
    Duration queryTimeout,
    int reconcileThreads,
    String webhookCertDir,
    int webhookPort) {

  /** Reads settings from an environment map, rejecting malformed values with a clear message. */
  public static Settings fromEnvironment(Map<String, String> env) {
    Set<String> namespaces =
        Arrays.stream(env.getOrDefault("REARGUARD_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    return new Settings(
        namespaces,
        env.getOrDefault("REARGUARD_HTTP_ADDRESS", "0.0.0.0"),
        intValue(env, "REARGUARD_HTTP_PORT", 8080, 1, 65535),
        boolValue(env, "REARGUARD_LEADER_ELECTION", true),
        env.getOrDefault("REARGUARD_LEASE_NAMESPACE", "rearguard-system"),
        "json".equalsIgnoreCase(env.getOrDefault("REARGUARD_LOG_FORMAT", "plain")),
        Duration.ofSeconds(intValue(env, "REARGUARD_QUERY_TIMEOUT_SECONDS", 5, 1, 60)),
        intValue(env, "REARGUARD_RECONCILE_THREADS", 10, 1, 100),
        env.getOrDefault("REARGUARD_WEBHOOK_CERT_DIR", "").trim(),
        intValue(env, "REARGUARD_WEBHOOK_PORT", 8443, 1, 65535));
  }

  /** Returns whether the admission webhook is configured (REARGUARD_WEBHOOK_CERT_DIR is set). */
  public boolean webhookEnabled() {
    return !webhookCertDir.isEmpty();
  }

  private static int intValue(
      Map<String, String> env, String name, int fallback, int min, int max) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + text);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + text + "'", e);
    }
  }

  private static boolean boolValue(Map<String, String> env, String name, boolean fallback) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got " + text);
    };
  }
}
