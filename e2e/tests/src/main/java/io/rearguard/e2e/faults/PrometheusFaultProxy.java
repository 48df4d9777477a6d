package io.rearguard.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP proxy on 127.0.0.1 in front of one Prometheus, whose responses can be switched to a fault
 * while a test runs. It binds port 0, so each proxy gets a free port and its own circuit breaker in
 * the operator, which keys breakers by address. It counts the requests it handles in each mode.
 */
public final class PrometheusFaultProxy implements AutoCloseable {
  /** Response the proxy sends to each request. */
  public enum Mode {
    /** Forwards the request and returns Prometheus's response unchanged. */
    PASS,
    /** Closes the connection without sending a response. */
    REFUSE,
    /** Waits for the slow delay, then forwards, so that the client's timeout runs out first. */
    SLOW,
    /** Returns HTTP 503 with a Prometheus error body. */
    SERVER_ERROR,
    /** Returns HTTP 200 with a body that is not JSON. */
    GARBAGE,
    /** Returns HTTP 200 with a valid JSON body larger than the oversize limit, chunked. */
    OVERSIZED,
    /** Forwards the request and replaces every sample value with "NaN". */
    NAN,
    /** Forwards the request and replaces the result with an empty vector. */
    EMPTY_VECTOR
  }

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusFaultProxy.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int CHUNK_BYTES = 64 * 1024;

  private final URI upstream;
  private final Duration slowDelay;
  private final long oversizeBytes;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http;
  private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.PASS);
  private final Map<Mode, AtomicLong> handled = new EnumMap<>(Mode.class);

  private PrometheusFaultProxy(URI upstream, Duration slowDelay, long oversizeBytes)
      throws IOException {
    this.upstream = upstream;
    this.slowDelay = slowDelay;
    this.oversizeBytes = oversizeBytes;
    for (Mode each : Mode.values()) {
      handled.put(each, new AtomicLong());
    }
    executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "fault-proxy");
              thread.setDaemon(true);
              return thread;
            });
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /**
   * Starts a proxy in {@link Mode#PASS}.
   *
   * @param upstream base address of the real Prometheus, such as {@code http://127.0.0.1:19090}
   * @param slowDelay wait before forwarding in {@link Mode#SLOW}
   * @param oversizeBytes body size in {@link Mode#OVERSIZED}
   */
  public static PrometheusFaultProxy start(URI upstream, Duration slowDelay, long oversizeBytes)
      throws IOException {
    return new PrometheusFaultProxy(upstream, slowDelay, oversizeBytes);
  }

  /** Returns the base address to put in a Rollout's Prometheus settings. */
  public String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Switches the response to every request that arrives from now on. */
  public void setMode(Mode next) {
    Mode previous = mode.getAndSet(next);
    LOG.info("Fault proxy {} switched from {} to {}", address(), previous, next);
  }

  public Mode mode() {
    return mode.get();
  }

  /**
   * Returns the requests handled in a mode so far, which for {@link Mode#PASS} are those forwarded.
   */
  public long handled(Mode mode) {
    return handled.get(mode).get();
  }

  /** Returns the requests that got a fault so far. */
  public long faults() {
    return Arrays.stream(Mode.values()).filter(m -> m != Mode.PASS).mapToLong(this::handled).sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Mode current = mode.get();
    handled.get(current).incrementAndGet();
    try (exchange) {
      switch (current) {
        case PASS -> forward(exchange, null);
        case REFUSE -> {
          // Closing an exchange before its headers are sent closes the connection.
        }
        case SLOW -> {
          Thread.sleep(slowDelay.toMillis());
          forward(exchange, null);
        }
        case SERVER_ERROR ->
            send(
                exchange,
                503,
                "{\"status\":\"error\",\"errorType\":\"unavailable\","
                    + "\"error\":\"fault proxy: service unavailable\"}");
        case GARBAGE -> send(exchange, 200, garbage());
        case OVERSIZED -> sendOversized(exchange);
        case NAN -> forward(exchange, PrometheusFaultProxy::withNaNValues);
        case EMPTY_VECTOR -> forward(exchange, PrometheusFaultProxy::withEmptyVector);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client gave up, as it should after its timeout in SLOW or past the size limit.
      LOG.debug("Fault proxy {}: {} answer not delivered: {}", address(), current, e.toString());
    }
  }

  private interface Rewrite {
    void apply(ObjectNode root);
  }

  private void forward(HttpExchange exchange, Rewrite rewrite)
      throws IOException, InterruptedException {
    URI target = upstream.resolve(exchange.getRequestURI().toString());
    HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10));
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    byte[] requestBody = exchange.getRequestBody().readAllBytes();
    request.method(
        exchange.getRequestMethod(),
        requestBody.length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(requestBody));
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      send(exchange, 502, "fault proxy: Prometheus at " + upstream + " failed: " + e);
      return;
    }
    byte[] body = response.body();
    if (rewrite != null) {
      body = rewritten(body, rewrite);
    }
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type",
            response.headers().firstValue("Content-Type").orElse("application/json"));
    exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }

  /**
   * Applies a rewrite to a Prometheus success body, or returns a fresh empty vector with the
   * rewrite applied when the body is not one, so that the fault is served either way.
   */
  private static byte[] rewritten(byte[] body, Rewrite rewrite) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException notJson) {
      root = null;
    }
    if (root == null || !root.isObject() || !"success".equals(root.path("status").asText())) {
      root =
          MAPPER.readTree(
              "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
    }
    rewrite.apply((ObjectNode) root);
    return MAPPER.writeValueAsBytes(root);
  }

  private static void withNaNValues(ObjectNode root) {
    JsonNode data = root.path("data");
    JsonNode result = data.path("result");
    if ("scalar".equals(data.path("resultType").asText()) && result.isArray()) {
      ((ArrayNode) result).set(1, MAPPER.getNodeFactory().textNode("NaN"));
      return;
    }
    if (result.isArray() && result.isEmpty()) {
      ObjectNode sample = ((ArrayNode) result).addObject();
      sample.putObject("metric");
      sample.putArray("value").add(System.currentTimeMillis() / 1000.0).add("NaN");
      return;
    }
    for (JsonNode series : result) {
      JsonNode value = series.path("value");
      if (value.isArray() && value.size() == 2) {
        ((ArrayNode) value).set(1, MAPPER.getNodeFactory().textNode("NaN"));
      }
    }
  }

  private static void withEmptyVector(ObjectNode root) {
    ObjectNode data = root.putObject("data");
    data.put("resultType", "vector");
    data.putArray("result");
  }

  /** Returns the start of a success body cut off, followed by fixed pseudo-random bytes. */
  private static byte[] garbage() {
    byte[] noise = new byte[256];
    new Random(42).nextBytes(noise);
    byte[] head = "{\"status\":\"succ".getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(head, head.length + noise.length);
    System.arraycopy(noise, 0, body, head.length, noise.length);
    return body;
  }

  /**
   * Streams a valid vector of one series with value 0 whose label pads the body past the limit,
   * with chunked encoding, so that the client sees no Content-Length and must count the bytes.
   */
  private void sendOversized(HttpExchange exchange) throws IOException {
    byte[] head =
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"padding\":\""
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail =
        ("\"},\"value\":[" + System.currentTimeMillis() / 1000.0 + ",\"0\"]}]}}")
            .getBytes(StandardCharsets.US_ASCII);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    out.write(head);
    byte[] padding = new byte[CHUNK_BYTES];
    Arrays.fill(padding, (byte) 'x');
    long left = Math.max(0, oversizeBytes - head.length - tail.length);
    while (left > 0) {
      int length = (int) Math.min(left, padding.length);
      out.write(padding, 0, length);
      left -= length;
    }
    out.write(tail);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** Stops listening and interrupts requests still waiting in {@link Mode#SLOW}. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
