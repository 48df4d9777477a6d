package io.rearguard.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand that connects to the cluster. It turns API errors into one line that names what
 * failed and what to do, and into exit status 1.
 */
abstract class ClusterCommand implements Callable<Integer> {
  @ParentCommand RearguardCli root;

  @Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  /** Runs the command on an open session and returns the exit status. */
  abstract int run(Session session) throws InterruptedException;

  /** Names what the command works on, such as "Rollout shop/checkout", for error messages. */
  abstract String subject(Session session);

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  @Override
  public Integer call() throws InterruptedException {
    Session session;
    try {
      session = root.connect(cluster);
    } catch (CliFailure | KubernetesClientException e) {
      err().println("error: cannot connect to the cluster: " + e.getMessage());
      return RearguardCli.FAILED;
    }
    try (session) {
      return run(session);
    } catch (CliFailure e) {
      err().println("error: " + e.getMessage());
      return RearguardCli.FAILED;
    } catch (KubernetesClientException e) {
      err().println("error: " + ApiErrors.describe(e, subject(session), session));
      return RearguardCli.FAILED;
    } finally {
      out().flush();
      err().flush();
    }
  }
}
