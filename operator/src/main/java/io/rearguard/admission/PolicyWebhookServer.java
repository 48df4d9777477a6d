package io.rearguard.admission;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The validating admission webhook for policies over HTTPS, on {@value #PATH}. Every replica serves
 * it, leader or not, because the API server calls any endpoint of the webhook's Service.
 */
public final class PolicyWebhookServer implements AutoCloseable {
  /** Path of the webhook, as in the ValidatingWebhookConfiguration. */
  public static final String PATH = "/validate-policy";

  /**
   * Largest request body, in bytes. An UPDATE review carries the object and the old object; each is
   * at most about 1.5 MiB, the request size etcd accepts by default.
   */
  public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  /**
   * Maximum validation time of one review, below the webhook configuration's timeoutSeconds of 5.
   */
  public static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(3);

  private static final int HTTP_THREADS = 4;
  private static final int VALIDATION_THREADS = 2;
  private static final int VALIDATION_QUEUE = 16;

  private final HttpsServer server;
  private final ExecutorService httpThreads;
  private final ExecutorService validationThreads;

  private PolicyWebhookServer(
      HttpsServer server, ExecutorService httpThreads, ExecutorService validationThreads) {
    this.server = server;
    this.httpThreads = httpThreads;
    this.validationThreads = validationThreads;
  }

  /** Starts the server on an address and port (0 picks a free port) with a TLS context. */
  public static PolicyWebhookServer start(String address, int port, SSLContext tls)
      throws IOException {
    ExecutorService validation =
        new ThreadPoolExecutor(
            VALIDATION_THREADS,
            VALIDATION_THREADS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(VALIDATION_QUEUE),
            daemon("rearguard-policy-validation"));
    ExecutorService http = Executors.newFixedThreadPool(HTTP_THREADS, daemon("rearguard-webhook"));
    HttpsServer server = HttpsServer.create(new InetSocketAddress(address, port), 32);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext(
        PATH,
        new AdmissionHttpHandler(
            new PolicyAdmission(validation, VALIDATION_TIMEOUT), MAX_BODY_BYTES));
    server.setExecutor(http);
    server.start();
    return new PolicyWebhookServer(server, http, validation);
  }

  /** Returns the bound port, useful when port 0 was requested. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
    httpThreads.shutdownNow();
    validationThreads.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
