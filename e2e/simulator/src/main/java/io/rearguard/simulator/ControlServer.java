package io.rearguard.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP server on 127.0.0.1 that serves the metrics and the control endpoints of the simulator.
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus metrics.
 *   <li>{@code PUT /faults}: stores a fault rule, see {@link FaultRequestParser}.
 *   <li>{@code GET /faults}: lists the fault rules as {@code {"faults": [...]}}.
 *   <li>{@code DELETE /faults}: removes all fault rules and returns {@code {"cleared": n}}.
 *   <li>{@code GET /split}: current traffic split per rollout.
 *   <li>{@code GET /healthz}: returns {@code ok}.
 * </ul>
 *
 * Invalid control requests get status 400 with {@code {"error": "message"}}.
 */
public final class ControlServer implements AutoCloseable {

  /** Largest accepted request body, in bytes. */
  static final int MAX_BODY_BYTES = 16 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

  private static final int HANDLER_THREADS = 4;

  private final HttpServer server;
  private final ExecutorService executor;
  private final FaultRegistry faults;
  private final TrafficSplitSource splitSource;
  private final FaultRequestParser parser = new FaultRequestParser();

  /**
   * Binds the server to 127.0.0.1 without starting it.
   *
   * @param port TCP port, or 0 for a free ephemeral port
   * @throws IOException if the port cannot be bound, for example because it is in use
   */
  public ControlServer(
      int port, FaultRegistry faults, TrafficSplitSource splitSource, PrometheusRegistry registry)
      throws IOException {
    this.faults = faults;
    this.splitSource = splitSource;
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
    server = HttpServer.create(address, 0);
    executor =
        Executors.newFixedThreadPool(
            HANDLER_THREADS,
            runnable -> {
              Thread thread = new Thread(runnable, "simulator-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", new MetricsHandler(registry));
    server.createContext("/faults", guarded("/faults", this::handleFaults));
    server.createContext("/split", guarded("/split", this::handleSplit));
    server.createContext("/healthz", guarded("/healthz", this::handleHealth));
    server.createContext("/", guarded("/", this::handleUnknownPath));
  }

  /** Starts serving requests. */
  public void start() {
    server.start();
    LOG.info("Serving metrics and control endpoints on http://127.0.0.1:{}", port());
  }

  /** Returns the bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handleFaults(HttpExchange exchange) throws IOException, InvalidRequestException {
    switch (exchange.getRequestMethod()) {
      case "GET" -> {
        List<Map<String, Object>> rules = new ArrayList<>();
        faults.list().forEach(rule -> rules.add(rule.toJson()));
        HttpExchanges.sendJson(exchange, 200, Map.of("faults", rules));
      }
      case "PUT" -> {
        FaultRule rule = parser.parse(HttpExchanges.readBody(exchange, MAX_BODY_BYTES));
        faults.put(rule);
        LOG.info("Fault rule set: {}", rule.toJson());
        HttpExchanges.sendJson(exchange, 200, rule.toJson());
      }
      case "DELETE" -> {
        int cleared = faults.clear();
        LOG.info("Fault rules cleared: {} removed", cleared);
        HttpExchanges.sendJson(exchange, 200, Map.of("cleared", cleared));
      }
      default -> methodNotAllowed(exchange, "GET, PUT, DELETE");
    }
  }

  private void handleSplit(HttpExchange exchange) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      methodNotAllowed(exchange, "GET");
      return;
    }
    List<Map<String, Object>> rollouts = new ArrayList<>();
    for (TrafficSplit split : splitSource.currentSplits()) {
      rollouts.add(splitJson(split));
    }
    HttpExchanges.sendJson(exchange, 200, Map.of("rollouts", rollouts));
  }

  private void handleHealth(HttpExchange exchange) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      methodNotAllowed(exchange, "GET");
      return;
    }
    HttpExchanges.sendText(exchange, 200, "ok\n");
  }

  private void handleUnknownPath(HttpExchange exchange) throws IOException {
    HttpExchanges.sendError(
        exchange,
        404,
        "no endpoint at "
            + exchange.getRequestURI().getPath()
            + "; endpoints are /metrics, /faults, /split and /healthz");
  }

  private static Map<String, Object> splitJson(TrafficSplit split) {
    List<Map<String, Object>> revisions = new ArrayList<>();
    for (RevisionWeight revision : split.revisions()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("revision", revision.revision());
      json.put("image", revision.image());
      json.put("readyReplicas", revision.readyReplicas());
      json.put("weight", revision.weight());
      revisions.add(json);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("namespace", split.rollout().namespace());
    json.put("rollout", split.rollout().name());
    json.put("totalReadyReplicas", split.totalReadyReplicas());
    json.put("revisions", revisions);
    return json;
  }

  private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    HttpExchanges.sendError(
        exchange,
        405,
        "method " + exchange.getRequestMethod() + " is not allowed here; use " + allowed);
  }

  /**
   * Wraps a handler so that only its exact path matches, invalid requests get 400 and unexpected
   * errors get 500 instead of a dropped connection.
   */
  private static HttpHandler guarded(String path, Endpoint endpoint) {
    return exchange -> {
      try {
        String requestPath = exchange.getRequestURI().getPath();
        if (!"/".equals(path) && !path.equals(requestPath)) {
          HttpExchanges.sendError(exchange, 404, "no endpoint at " + requestPath);
          return;
        }
        endpoint.handle(exchange);
      } catch (InvalidRequestException e) {
        LOG.info(
            "Rejected {} {}: {}",
            exchange.getRequestMethod(),
            exchange.getRequestURI(),
            e.getMessage());
        sendQuietly(exchange, 400, e.getMessage());
      } catch (IOException | RuntimeException e) {
        LOG.error("Request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        sendQuietly(exchange, 500, "internal error: " + e);
      } finally {
        exchange.close();
      }
    };
  }

  private static void sendQuietly(HttpExchange exchange, int status, String message) {
    try {
      HttpExchanges.sendError(exchange, status, message);
    } catch (IOException | RuntimeException e) {
      // The headers were already sent or the client disconnected, so no error response is possible.
      LOG.debug("Could not send the {} response", status, e);
    }
  }

  /** Handler body that may reject the request. */
  @FunctionalInterface
  private interface Endpoint {
    void handle(HttpExchange exchange) throws IOException, InvalidRequestException;
  }
}
