package io.rearguard.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rearguard.analysis.PrometheusClient;
import io.rearguard.analysis.QueryResult;
import io.rearguard.e2e.faults.PrometheusFaultProxy.Mode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault proxy in front of a tiny local server that returns one Prometheus vector sample, read
 * both with a plain HTTP client and with the operator's own Prometheus client.
 */
class PrometheusFaultProxyTest {
  private static final String QUERY_PATH = "/api/v1/query?query=up";
  private static final String UPSTREAM_BODY =
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
          + "[{\"metric\":{\"job\":\"simulator\"},\"value\":[1700000000.5,\"0.01\"]}]}}";
  private static final long OVERSIZE_BYTES = 1024 * 1024 + 64 * 1024;
  private static final Duration SLOW_DELAY = Duration.ofSeconds(2);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger upstreamRequests = new AtomicInteger();
  private HttpServer upstream;
  private PrometheusFaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    upstream.createContext(
        "/api/v1/query",
        exchange -> {
          upstreamRequests.incrementAndGet();
          byte[] body = UPSTREAM_BODY.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    URI upstreamUri = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
    proxy = PrometheusFaultProxy.start(upstreamUri, SLOW_DELAY, OVERSIZE_BYTES);
  }

  @AfterEach
  void stop() {
    proxy.close();
    upstream.stop(0);
  }

  private HttpResponse<byte[]> get(Duration timeout) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(proxy.address() + QUERY_PATH)).timeout(timeout).build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> get() throws IOException, InterruptedException {
    return get(Duration.ofSeconds(10));
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return MAPPER.readTree(response.body());
  }

  private QueryResult operatorQuery() {
    PrometheusClient client =
        new PrometheusClient(
            Clock.systemUTC(),
            PrometheusClient.Settings.defaults()
                .withTimeout(Duration.ofMillis(500))
                .withRetry(1, Duration.ofMillis(10)),
            new PrometheusRegistry());
    return client.query(proxy.address(), "up");
  }

  @Test
  void passForwardsUpstreamResponse() throws Exception {
    HttpResponse<byte[]> response = get();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(UPSTREAM_BODY);
    assertThat(upstreamRequests.get()).isEqualTo(1);
    assertThat(proxy.handled(Mode.PASS)).isEqualTo(1);
    assertThat(proxy.faults()).isZero();
    assertThat(operatorQuery().kind()).isEqualTo(QueryResult.Kind.VALUE);
  }

  @Test
  void bindsLoopbackEphemeralPort() {
    URI address = URI.create(proxy.address());

    assertThat(address.getHost()).isEqualTo("127.0.0.1");
    assertThat(address.getPort()).isPositive();
  }

  @Test
  void refuseClosesConnectionWithoutResponse() {
    proxy.setMode(Mode.REFUSE);

    assertThatThrownBy(this::get).isInstanceOf(IOException.class);
    assertThat(upstreamRequests.get()).isZero();
    // The JDK client sends an idempotent GET again once when the connection closes early.
    assertThat(proxy.handled(Mode.REFUSE)).isBetween(1L, 2L);
    assertThat(operatorQuery().kind()).isEqualTo(QueryResult.Kind.ERROR);
  }

  @Test
  void slowOutlastsClientTimeout() {
    proxy.setMode(Mode.SLOW);

    assertThatThrownBy(() -> get(Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
    assertThat(proxy.handled(Mode.SLOW)).isEqualTo(1);
    QueryResult result = operatorQuery();
    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("timed out");
  }

  @Test
  void slowStillForwardsAfterDelay() throws Exception {
    proxy.setMode(Mode.SLOW);

    HttpResponse<byte[]> response = get(SLOW_DELAY.multipliedBy(5));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstreamRequests.get()).isEqualTo(1);
  }

  @Test
  void serverErrorReturns503() throws Exception {
    proxy.setMode(Mode.SERVER_ERROR);

    HttpResponse<byte[]> response = get();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json(response).path("status").asText()).isEqualTo("error");
    assertThat(upstreamRequests.get()).isZero();
    QueryResult result = operatorQuery();
    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("503");
    assertThat(proxy.handled(Mode.SERVER_ERROR)).isEqualTo(2);
  }

  @Test
  void garbageIsNotJson() throws Exception {
    proxy.setMode(Mode.GARBAGE);

    HttpResponse<byte[]> response = get();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> json(response)).isInstanceOf(IOException.class);
    QueryResult result = operatorQuery();
    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("unreadable");
  }

  @Test
  void oversizedBodyExceedsLimitAndStaysValidJson() throws Exception {
    proxy.setMode(Mode.OVERSIZED);

    HttpResponse<byte[]> response = get();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Length")).isEmpty();
    assertThat((long) response.body().length).isEqualTo(OVERSIZE_BYTES);
    assertThat(json(response).at("/data/result/0/value/1").asText()).isEqualTo("0");
    QueryResult result = operatorQuery();
    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("size limit");
  }

  @Test
  void nanReplacesSampleValue() throws Exception {
    proxy.setMode(Mode.NAN);

    HttpResponse<byte[]> response = get();

    JsonNode sample = json(response).at("/data/result/0");
    assertThat(sample.at("/metric/job").asText()).isEqualTo("simulator");
    assertThat(sample.at("/value/1").asText()).isEqualTo("NaN");
    assertThat(upstreamRequests.get()).isEqualTo(1);
    assertThat(operatorQuery().kind()).isEqualTo(QueryResult.Kind.NO_DATA);
  }

  @Test
  void emptyVectorDropsAllSeries() throws Exception {
    proxy.setMode(Mode.EMPTY_VECTOR);

    HttpResponse<byte[]> response = get();

    JsonNode data = json(response).path("data");
    assertThat(data.path("resultType").asText()).isEqualTo("vector");
    assertThat(data.path("result").isArray()).isTrue();
    assertThat(data.path("result")).isEmpty();
    assertThat(operatorQuery().kind()).isEqualTo(QueryResult.Kind.NO_DATA);
  }

  @Test
  void faultsCountedPerMode() throws Exception {
    get();
    proxy.setMode(Mode.SERVER_ERROR);
    get();
    get();
    proxy.setMode(Mode.EMPTY_VECTOR);
    get();
    proxy.setMode(Mode.PASS);
    get();

    assertThat(proxy.handled(Mode.PASS)).isEqualTo(2);
    assertThat(proxy.handled(Mode.SERVER_ERROR)).isEqualTo(2);
    assertThat(proxy.handled(Mode.EMPTY_VECTOR)).isEqualTo(1);
    assertThat(proxy.handled(Mode.GARBAGE)).isZero();
    assertThat(proxy.faults()).isEqualTo(3);
  }
}
