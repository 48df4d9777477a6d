package io.rearguard.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rearguard.testkit.FakePrometheus;
import io.rearguard.testkit.FakePrometheus.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusClientTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-05-01T12:00:00.250Z"), ZoneOffset.UTC);
  private static final PrometheusClient.Settings FAST =
      PrometheusClient.Settings.defaults()
          .withRetry(3, Duration.ofMillis(10))
          .withTimeout(Duration.ofSeconds(2));

  private FakePrometheus prometheus;
  private PrometheusRegistry registry;

  @BeforeEach
  void startServer() throws IOException {
    prometheus = FakePrometheus.start();
    registry = new PrometheusRegistry();
  }

  @AfterEach
  void stopServer() {
    prometheus.close();
  }

  private PrometheusClient client(PrometheusClient.Settings settings) {
    return new PrometheusClient(CLOCK, settings, registry);
  }

  private QueryResult query(PrometheusClient client) {
    return client.query(prometheus.address(), "up");
  }

  @Test
  void oneSeriesVectorReturnsValue() {
    prometheus.respond(Response.ok(FakePrometheus.vector("0.062")));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.VALUE);
    assertThat(result.value()).isEqualTo(0.062);
    assertThat(result.valueText()).isEqualTo("0.062");
    assertThat(result.elapsed()).isPositive();
  }

  @Test
  void scalarReturnsValue() {
    prometheus.respond(Response.ok(FakePrometheus.scalar("42")));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.VALUE);
    assertThat(result.value()).isEqualTo(42.0);
  }

  @Test
  void emptyVectorIsNoData() {
    prometheus.respond(Response.ok(FakePrometheus.vector()));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.NO_DATA);
    assertThat(result.message()).isEqualTo("empty vector");
    assertThat(result.valueText()).isNull();
  }

  @Test
  void nanAndInfinitiesAreNoData() {
    PrometheusClient client = client(FAST);
    for (String text : new String[] {"NaN", "+Inf", "-Inf"}) {
      prometheus.respond(Response.ok(FakePrometheus.vector(text)));

      QueryResult result = query(client);

      assertThat(result.kind()).as(text).isEqualTo(QueryResult.Kind.NO_DATA);
      assertThat(result.valueText()).as(text).isEqualTo(text);
      assertThat(result.message()).as(text).contains(text);
    }
  }

  @Test
  void twoSeriesIsErrorNamingCount() {
    prometheus.respond(Response.ok(FakePrometheus.vector("1", "2")));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).startsWith("query returned 2 series, expected 1: ");
    assertThat(result.message()).contains("instance=\"pod-0\"");
    assertThat(result.message()).contains("instance=\"pod-1\"");
  }

  @Test
  void serverErrorThenSuccessIsRetried() {
    prometheus.respondOnce(Response.status(500, "internal error"));
    prometheus.respond(Response.ok(FakePrometheus.vector("7")));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.VALUE);
    assertThat(result.value()).isEqualTo(7.0);
    assertThat(prometheus.requestCount()).isEqualTo(2);
  }

  @Test
  void persistentServerErrorIsErrorAfterAllAttempts() {
    prometheus.respond(Response.status(503, FakePrometheus.error("unavailable", "overloaded")));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("HTTP 503");
    assertThat(result.message()).contains("overloaded");
    assertThat(prometheus.requestCount()).isEqualTo(3);
  }

  @Test
  void badRequestCarriesPrometheusErrorWithoutRetry() {
    prometheus.respond(
        Response.status(400, FakePrometheus.error("bad_data", "parse error at char 3")));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("bad_data");
    assertThat(result.message()).contains("parse error at char 3");
    assertThat(prometheus.requestCount()).isEqualTo(1);
  }

  @Test
  void errorStatusInSuccessfulResponseIsError() {
    prometheus.respond(Response.ok(FakePrometheus.error("execution", "query timed out")));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("(execution) query timed out");
  }

  @Test
  void slowResponseBeyondTimeoutIsError() {
    prometheus.respond(Response.ok(FakePrometheus.vector("1")).delayedBy(Duration.ofSeconds(3)));
    PrometheusClient client =
        client(FAST.withTimeout(Duration.ofMillis(200)).withRetry(1, Duration.ofMillis(10)));

    QueryResult result = query(client);

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("timed out");
    assertThat(result.message()).contains("200 ms timeout");
    assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void bodyOverLimitIsErrorWithContentLength() {
    prometheus.respond(Response.ok(FakePrometheus.vector("1") + " ".repeat(4096)));

    QueryResult result = query(client(FAST.withMaxResponseBytes(1024)));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("size limit of 1024 bytes");
    assertThat(prometheus.requestCount()).isEqualTo(1);
  }

  @Test
  void streamedBodyOverLimitIsError() {
    prometheus.respond(Response.ok(FakePrometheus.vector("1") + " ".repeat(200_000)).chunkedBody());

    QueryResult result = query(client(FAST.withMaxResponseBytes(1024)));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("size limit of 1024 bytes");
    assertThat(prometheus.requestCount()).isEqualTo(1);
  }

  @Test
  void streamedBodyWithinLimitIsRead() {
    prometheus.respond(Response.ok(FakePrometheus.vector("3")).chunkedBody());

    QueryResult result = query(client(FAST.withMaxResponseBytes(1024)));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.VALUE);
    assertThat(result.value()).isEqualTo(3.0);
  }

  @Test
  void garbageBodyIsError() {
    prometheus.respond(Response.ok("<html>not json</html>"));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).startsWith("unreadable JSON");
  }

  @Test
  void matrixResultIsError() {
    prometheus.respond(
        Response.ok("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"));

    QueryResult result = query(client(FAST));

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("matrix");
  }

  @Test
  void connectionRefusedIsError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    QueryResult result = client(FAST).query("http://127.0.0.1:" + closedPort, "up");

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).contains("127.0.0.1:" + closedPort);
    assertThat(result.message()).contains("cannot connect");
  }

  @Test
  void circuitBreakerOpensAndStopsRequests() {
    prometheus.respond(Response.status(500, "down"));
    PrometheusClient client =
        client(
            FAST.withRetry(1, Duration.ofMillis(10))
                .withCircuitBreaker(3, 3, Duration.ofMinutes(5)));
    for (int i = 0; i < 3; i++) {
      assertThat(query(client).message()).contains("HTTP 500");
    }
    assertThat(prometheus.requestCount()).isEqualTo(3);

    QueryResult result = query(client);

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).isEqualTo("circuit breaker open for " + prometheus.address());
    assertThat(prometheus.requestCount()).isEqualTo(3);
  }

  @Test
  void bulkheadRejectsQueriesBeyondLimit() throws Exception {
    prometheus.respond(Response.ok(FakePrometheus.vector("1")).delayedBy(Duration.ofMillis(800)));
    PrometheusClient.Settings one =
        new PrometheusClient.Settings(
            Duration.ofSeconds(2),
            1024,
            1,
            Duration.ofMillis(10),
            2.0,
            20,
            10,
            50f,
            Duration.ofSeconds(30),
            1);
    PrometheusClient client = client(one);
    CompletableFuture<QueryResult> first = CompletableFuture.supplyAsync(() -> query(client));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (prometheus.requestCount() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }

    QueryResult second = query(client);

    assertThat(second.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(second.message()).startsWith("too many concurrent queries");
    assertThat(first.get(5, TimeUnit.SECONDS).kind()).isEqualTo(QueryResult.Kind.VALUE);
    assertThat(prometheus.requestCount()).isEqualTo(1);
  }

  @Test
  void serverReceivesQueryAndClockTime() {
    String query = "sum(rate(http_requests_total{revision=\"a b&c=d\"}[1m])) / 2 + 1";

    client(FAST).query(prometheus.address() + "/", query);

    assertThat(prometheus.lastPath()).isEqualTo("/api/v1/query");
    assertThat(prometheus.lastParameter("query")).isEqualTo(query);
    assertThat(prometheus.lastParameter("time")).isEqualTo("1714564800.250");
  }

  @Test
  void invalidAddressIsErrorWithoutRequest() {
    QueryResult result = client(FAST).query("ftp://127.0.0.1:1", "up");

    assertThat(result.kind()).isEqualTo(QueryResult.Kind.ERROR);
    assertThat(result.message()).startsWith("invalid Prometheus address");
  }

  @Test
  void queriesAreCountedByResult() {
    PrometheusClient client = client(FAST);
    prometheus.respond(Response.ok(FakePrometheus.vector("1")));
    query(client);
    query(client);
    prometheus.respond(Response.ok(FakePrometheus.vector()));
    query(client);
    prometheus.respond(Response.ok("garbage"));
    query(client);

    MetricSnapshots snapshots = registry.scrape();

    assertThat(counterValue(snapshots, "value")).isEqualTo(2.0);
    assertThat(counterValue(snapshots, "no_data")).isEqualTo(1.0);
    assertThat(counterValue(snapshots, "error")).isEqualTo(1.0);
    HistogramSnapshot durations =
        (HistogramSnapshot) find(snapshots, "rearguard_prometheus_query_duration_seconds");
    assertThat(durations.getDataPoints().get(0).getCount()).isEqualTo(4);
  }

  private static double counterValue(MetricSnapshots snapshots, String result) {
    CounterSnapshot counter = (CounterSnapshot) find(snapshots, "rearguard_prometheus_queries");
    return counter.getDataPoints().stream()
        .filter(point -> result.equals(point.getLabels().get("result")))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  private static MetricSnapshot find(MetricSnapshots snapshots, String name) {
    return snapshots.stream()
        .filter(snapshot -> snapshot.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("metric not registered: " + name));
  }
}
