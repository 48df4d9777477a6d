package io.rearguard.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Prometheus query API on 127.0.0.1 with switchable responses. Queued one-off
 * responses are sent first, then the default response.
 */
public final class FakePrometheus implements AutoCloseable {

  /** One HTTP response. A chunked response is sent without Content-Length. */
  public record Response(int status, String body, Duration delay, boolean chunked) {
    public static Response ok(String body) {
      return new Response(200, body, Duration.ZERO, false);
    }

    public static Response status(int status, String body) {
      return new Response(status, body, Duration.ZERO, false);
    }

    public Response delayedBy(Duration value) {
      return new Response(status, body, value, chunked);
    }

    public Response chunkedBody() {
      return new Response(status, body, delay, true);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Queue<Response> queued = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Response defaultResponse = Response.ok(vector("1"));
  private volatile Map<String, String> lastParameters = Map.of();
  private volatile String lastPath;

  private FakePrometheus() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static FakePrometheus start() throws IOException {
    return new FakePrometheus();
  }

  public String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void respond(Response response) {
    defaultResponse = response;
  }

  public void respondOnce(Response response) {
    queued.add(response);
  }

  public int requestCount() {
    return requests.get();
  }

  public String lastParameter(String name) {
    return lastParameters.get(name);
  }

  public String lastPath() {
    return lastPath;
  }

  /** Returns a success body with one vector series per value. */
  public static String vector(String... values) {
    StringBuilder result = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        result.append(',');
      }
      result
          .append("{\"metric\":{\"__name__\":\"up\",\"instance\":\"pod-")
          .append(i)
          .append("\"},\"value\":[1714564800.25,\"")
          .append(values[i])
          .append("\"]}");
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + result
        + "]}}";
  }

  public static String scalar(String value) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
        + "[1714564800.25,\""
        + value
        + "\"]}}";
  }

  public static String error(String errorType, String error) {
    return "{\"status\":\"error\",\"errorType\":\"" + errorType + "\",\"error\":\"" + error + "\"}";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      lastPath = exchange.getRequestURI().getPath();
      lastParameters = parseQuery(exchange.getRequestURI().getRawQuery());
      Response response = queued.poll();
      if (response == null) {
        response = defaultResponse;
      }
      if (!response.delay().isZero()) {
        try {
          Thread.sleep(response.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      long length = response.chunked() ? 0 : (body.length == 0 ? -1 : body.length);
      exchange.sendResponseHeaders(response.status(), length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      } catch (IOException e) {
        // The client hung up, as it does when the body is over its size limit.
      }
    }
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
