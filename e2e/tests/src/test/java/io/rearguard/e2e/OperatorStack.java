package io.rearguard.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rearguard.api.Rollout;
import io.rearguard.api.RolloutCommand;
import java.time.Duration;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * One operator process, one traffic simulator and one API client for a test class, on the stack
 * from e2e/up. The CRDs are applied from crds/ first, so the tests run against what is committed.
 */
final class OperatorStack implements AutoCloseable {
  final E2eStack stack = E2eStack.fromEnvironment();
  final KubernetesClient client;
  final TrafficSimulator simulator;
  final OperatorProcess operator;
  final Kubectl kubectl;

  OperatorStack(String operatorLogName) throws Exception {
    this(operatorLogName, java.util.Map.of());
  }

  /** Starts the operator with extra environment variables over the Deployment's. */
  OperatorStack(String operatorLogName, java.util.Map<String, String> operatorEnvironment)
      throws Exception {
    client = stack.connect();
    stack.installCrds(client);
    var operatorKubeconfig = stack.installOperatorAccess(client);
    simulator = TrafficSimulator.start(stack);
    operator = new OperatorProcess(stack, operatorKubeconfig, operatorLogName);
    operatorEnvironment.forEach(operator::withEnvironment);
    try {
      operator.start();
    } catch (Exception | Error e) {
      simulator.close();
      client.close();
      throw e;
    }
    kubectl = new Kubectl(stack);
  }

  Rollout rollout(String namespace, String name) {
    return client.resources(Rollout.class).inNamespace(namespace).withName(name).get();
  }

  RolloutCommand command(String namespace, String name) {
    return client.resources(RolloutCommand.class).inNamespace(namespace).withName(name).get();
  }

  /** Waits until the Rollout matches, failing with its last status when it does not. */
  Rollout awaitRollout(
      String namespace, String name, Duration timeout, String what, Predicate<Rollout> condition) {
    Rollout[] last = new Rollout[1];
    Awaitility.await(what)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () -> {
              last[0] = rollout(namespace, name);
              return last[0] != null && last[0].getStatus() != null && condition.test(last[0]);
            });
    return last[0];
  }

  @Override
  public void close() throws Exception {
    operator.close();
    simulator.close();
    client.close();
  }
}
