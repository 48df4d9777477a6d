package io.rearguard.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The operator as a separate local process, started from the built jar with the environment of
 * manifests/deployment.yaml, so that tests can kill it with SIGKILL and restart it.
 */
public final class OperatorProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final E2eStack stack;
  private final Path kubeconfig;
  private final Path logFile;
  private Process process;
  private Duration startupTime;
  private final Map<String, String> extraEnvironment = new java.util.LinkedHashMap<>();

  /**
   * Prepares an operator process.
   *
   * @param kubeconfig credentials of the operator, normally its ServiceAccount's (see {@link
   *     E2eStack#installOperatorAccess})
   * @param logName log file name under the stack's log folder, without extension
   */
  public OperatorProcess(E2eStack stack, Path kubeconfig, String logName) {
    this.stack = stack;
    this.kubeconfig = kubeconfig;
    this.logFile = stack.logDir().resolve(logName + ".log");
  }

  public Path logFile() {
    return logFile;
  }

  /** Time from process start until /readyz returned 200. */
  public Duration startupTime() {
    return startupTime;
  }

  public long pid() {
    return process.pid();
  }

  /** Sets an environment variable of the next start, over the Deployment's value. */
  public OperatorProcess withEnvironment(String name, String value) {
    extraEnvironment.put(name, value);
    return this;
  }

  /** Starts the operator and waits until it reports ready. */
  public OperatorProcess start() throws IOException, InterruptedException {
    Path jar = operatorJar();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar.toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.putAll(DeploymentEnvironment.read(stack.root().resolve("manifests/deployment.yaml")));
    env.remove("JAVA_TOOL_OPTIONS");
    // The Deployment's certificate folder does not exist here; a test that wants the webhook
    // sets it with withEnvironment.
    env.remove("REARGUARD_WEBHOOK_CERT_DIR");
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("REARGUARD_HTTP_ADDRESS", "127.0.0.1");
    env.put("REARGUARD_HTTP_PORT", Integer.toString(stack.operatorPort()));
    env.put("REARGUARD_LEASE_NAMESPACE", E2eStack.OPERATOR_NAMESPACE);
    env.putAll(extraEnvironment);
    Files.createDirectories(logFile.getParent());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    Instant started = Instant.now();
    process = builder.start();
    waitReady();
    startupTime = Duration.between(started, Instant.now());
    return this;
  }

  private void waitReady() throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI ready = URI.create("http://127.0.0.1:" + httpPort() + "/readyz");
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the operator exited with status "
                + process.exitValue()
                + " during start; log: "
                + logFile);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // The HTTP server is not listening yet.
      }
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "the operator did not report ready within "
            + READY_TIMEOUT.toSeconds()
            + "s; log: "
            + logFile);
  }

  /** Returns the port of the metrics and health server: the stack's, unless set otherwise. */
  public int httpPort() {
    String port = extraEnvironment.get("REARGUARD_HTTP_PORT");
    return port == null ? stack.operatorPort() : Integer.parseInt(port);
  }

  /**
   * Gives the next start a metrics and health port that is free now, for a second replica next to
   * one on the stack's port. Another process could take the port before the operator binds it.
   */
  public OperatorProcess withFreeHttpPort() throws IOException {
    try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return withEnvironment("REARGUARD_HTTP_PORT", Integer.toString(probe.getLocalPort()));
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * Waits for the process to exit and returns its exit status, 128 plus the signal number when a
   * signal ended it, or null when it still runs after {@code timeout}.
   */
  public Integer awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      return null;
    }
    return process.exitValue();
  }

  /** Kills the process with SIGKILL, as a node failure or OOM kill would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Resident set size of the process in KiB, read from /proc. */
  public long residentKib() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS line for pid " + process.pid());
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    }
  }

  private Path operatorJar() throws IOException {
    Path target = stack.root().resolve("operator/target");
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(f -> f.getFileName().toString().matches("rearguard-operator-.*\\.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no operator jar in "
                          + target
                          + "; build it with ./mvnw -pl operator package"));
    }
  }
}
