package io.rearguard;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rearguard.act.Actuator;
import io.rearguard.act.RecordWriter;
import io.rearguard.admission.PemTls;
import io.rearguard.admission.PolicyWebhookServer;
import io.rearguard.analysis.PrometheusClient;
import io.rearguard.analysis.PrometheusMetricProvider;
import io.rearguard.analysis.ThresholdEvaluator;
import io.rearguard.evidence.RecordRetention;
import io.rearguard.evidence.TransitionRecorder;
import io.rearguard.observe.PolicyObserver;
import io.rearguard.observe.PrometheusReadings;
import io.rearguard.observe.RolloutObserver;
import io.rearguard.observe.SignalObserver;
import io.rearguard.policy.PolicyEvaluator;
import io.rearguard.reconcile.ClusterRolloutPolicyReconciler;
import io.rearguard.reconcile.CommandTargetReconciler;
import io.rearguard.reconcile.PolicyInformers;
import io.rearguard.reconcile.PolicyStatusPass;
import io.rearguard.reconcile.RolloutPass;
import io.rearguard.reconcile.RolloutPolicyReconciler;
import io.rearguard.reconcile.RolloutReconciler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the Rearguard operator. */
public final class Main {
  /** Name of the leader-election Lease. */
  public static final String LEASE_NAME = "rearguard-operator";

  /** Time the shutdown may take after the lease is lost, before the process halts. */
  private static final Duration LEADER_LOST_EXIT_GRACE = Duration.ofSeconds(5);

  /**
   * Max seconds that the JDK HTTP servers (health, metrics and webhook) give a client to send a
   * whole request, body included, and to read the response. They close slower connections.
   */
  private static final String HTTP_EXCHANGE_SECONDS = "10";

  private Main() {}

  /** Entry point; settings come from environment variables, see {@link Settings}. */
  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromEnvironment(System.getenv());
    if (settings.jsonLogs() && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Logger log = LoggerFactory.getLogger(Main.class);
    // Read once by the JDK when the first HTTP server starts.
    System.setProperty(
        "sun.net.httpserver.maxReqTime",
        System.getProperty("sun.net.httpserver.maxReqTime", HTTP_EXCHANGE_SECONDS));
    System.setProperty(
        "sun.net.httpserver.maxRspTime",
        System.getProperty("sun.net.httpserver.maxRspTime", HTTP_EXCHANGE_SECONDS));
    // Started before anything else, so an unusable certificate stops the process at once.
    PolicyWebhookServer webhook = startWebhook(settings, log);

    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    PrometheusMeterRegistry meters =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, registry, io.micrometer.core.instrument.Clock.SYSTEM);
    KubernetesClient client = new KubernetesClientBuilder().build();
    AtomicBoolean stopping = new AtomicBoolean(false);
    String identity = System.getenv().getOrDefault("HOSTNAME", "local") + "-" + UUID.randomUUID();
    Operator operator = newOperator(settings, client, meters, stopping, identity, log);
    Clock clock = Clock.systemUTC();
    PrometheusClient prometheus =
        new PrometheusClient(
            clock,
            PrometheusClient.Settings.defaults().withTimeout(settings.queryTimeout()),
            registry);
    PolicyInformers policyInformers = new PolicyInformers();
    var reconciler =
        new RolloutReconciler(
            new RolloutPass(
                new RolloutObserver(
                    new PrometheusMetricProvider(prometheus, new ThresholdEvaluator(), clock),
                    new SignalObserver(new PrometheusReadings(prometheus), clock),
                    new PolicyObserver(policyInformers, new PolicyEvaluator(), clock),
                    clock),
                new Actuator(client),
                new TransitionRecorder(client, clock, registry),
                clock,
                RecordRetention.fromEnvironment(System.getenv())),
            policyInformers);
    operator.register(
        reconciler,
        override -> {
          if (!settings.namespaces().isEmpty()) {
            override.settingNamespaces(settings.namespaces());
          }
        });

    operator.register(
        new CommandTargetReconciler(client, clock),
        override -> {
          if (!settings.namespaces().isEmpty()) {
            override.settingNamespaces(settings.namespaces());
          }
        });
    PolicyStatusPass policyStatus =
        new PolicyStatusPass(new RecordWriter(client), settings.leaseNamespace(), clock);
    operator.register(
        new RolloutPolicyReconciler(policyStatus),
        override -> {
          if (!settings.namespaces().isEmpty()) {
            override.settingNamespaces(settings.namespaces());
          }
        });
    operator.register(new ClusterRolloutPolicyReconciler(policyStatus));

    OperatorHttpServer http =
        new OperatorHttpServer(
            settings.httpAddress(),
            settings.httpPort(),
            registry,
            () -> !stopping.get(),
            () ->
                !stopping.get()
                    && operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  log.info("stopping");
                  operator.stop();
                  if (settings.leaderElection()) {
                    LeaseRelease.release(client, settings.leaseNamespace(), LEASE_NAME, identity);
                  }
                  client.close();
                  http.close();
                  if (webhook != null) {
                    webhook.close();
                  }
                }));
    operator.start();
    log.info(
        "started; metrics and health on {}:{}, leader election {}, namespaces {}",
        settings.httpAddress(),
        http.port(),
        settings.leaderElection() ? "on" : "off",
        settings.namespaces().isEmpty() ? "all" : settings.namespaces());
  }

  /**
   * Starts the policy admission webhook on every replica, or returns null when it is off. It is off
   * when REARGUARD_WEBHOOK_CERT_DIR is unset or names a folder without tls.crt, because a missing
   * Secret must not stop the rollouts. The webhook configuration's failurePolicy Fail then rejects
   * policy writes. A certificate or key that cannot be used stops the start.
   */
  private static PolicyWebhookServer startWebhook(Settings settings, Logger log)
      throws IOException {
    if (!settings.webhookEnabled()) {
      log.info(
          "admission webhook off: REARGUARD_WEBHOOK_CERT_DIR is not set, so policies are not"
              + " compiled when they are created");
      return null;
    }
    Path folder = Path.of(settings.webhookCertDir());
    if (!Files.isReadable(folder.resolve(PemTls.CERT_FILE))) {
      log.error(
          "admission webhook off: {} is missing or unreadable; mount the webhook's TLS Secret"
              + " there (manifests/webhook-cert.sh creates it)",
          folder.resolve(PemTls.CERT_FILE));
      return null;
    }
    // NOTE: the files are read once, so a renewed certificate takes effect after a restart.
    PemTls.Loaded tls;
    try {
      tls = PemTls.load(folder);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the admission webhook's certificate or key in " + folder + " is unusable: " + e, e);
    }
    PolicyWebhookServer webhook =
        PolicyWebhookServer.start(settings.httpAddress(), settings.webhookPort(), tls.context());
    log.info(
        "admission webhook on https://{}:{}{}, certificate {} valid until {}",
        settings.httpAddress(),
        webhook.port(),
        PolicyWebhookServer.PATH,
        tls.certificate().getSubjectX500Principal(),
        tls.certificate().getNotAfter().toInstant());
    return webhook;
  }

  /**
   * Exits when leadership is lost, so that a replica that may no longer write stops at once. The
   * exit runs on its own thread: exiting from inside a shutdown hook would block for ever.
   */
  private static void exitUnlessStopping(AtomicBoolean stopping, Logger log) {
    if (stopping.get()) {
      return;
    }
    log.error("lost the leader lease; exiting so that only the new leader writes");
    new Thread(() -> System.exit(1), "leader-lost-exit").start();
    // The shutdown hook's API calls can hang while the API server is unreachable, so the process
    // halts without them after a grace period.
    Thread halt =
        new Thread(
            () -> {
              try {
                Thread.sleep(LEADER_LOST_EXIT_GRACE.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              log.error("the shutdown did not finish in {}; halting", LEADER_LOST_EXIT_GRACE);
              Runtime.getRuntime().halt(1);
            },
            "leader-lost-halt");
    halt.setDaemon(true);
    halt.start();
  }

  private static String leaseHolder(KubernetesClient client, String namespace) {
    var lease = client.leases().inNamespace(namespace).withName(LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static Operator newOperator(
      Settings settings,
      KubernetesClient client,
      PrometheusMeterRegistry meters,
      AtomicBoolean stopping,
      String identity,
      Logger log) {
    Duration renewDeadline = Duration.ofSeconds(10);
    Duration retryPeriod = Duration.ofSeconds(2);
    LeaseWatchdog watchdog =
        new LeaseWatchdog(
            () -> leaseHolder(client, settings.leaseNamespace()),
            identity,
            renewDeadline,
            retryPeriod,
            Clock.systemUTC(),
            () -> exitUnlessStopping(stopping, log));
    return new Operator(
        override -> {
          override
              .withKubernetesClient(client)
              .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(meters))
              .withConcurrentReconciliationThreads(settings.reconcileThreads())
              .withCloseClientOnStop(false);
          if (settings.leaderElection()) {
            override.withLeaderElectionConfiguration(
                new LeaderElectionConfiguration(
                    LEASE_NAME,
                    settings.leaseNamespace(),
                    Duration.ofSeconds(15),
                    renewDeadline,
                    retryPeriod,
                    identity,
                    new LeaderCallbacks(
                        () -> {
                          log.info("became the leader");
                          watchdog.start();
                        },
                        () -> exitUnlessStopping(stopping, log),
                        leader -> log.info("the leader is {}", leader)),
                    false));
          }
        });
  }
}
