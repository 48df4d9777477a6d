package io.rearguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rearguard.api.ClusterRolloutPolicy;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.RolloutPolicy;
import io.rearguard.policy.PolicyEvaluator;
import io.rearguard.policy.PolicyInput;
import io.rearguard.policy.PolicyRef;
import io.rearguard.policy.RuleVerdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "test",
    description = {
      "Evaluate a policy against a sample Rollout without a cluster and print each rule's"
          + " verdict: ALLOW, DENY or ERROR. The evaluation is the operator's own code.",
      "Exit status: 0 when every rule allows, 1 when a rule denies or cannot be evaluated (or the"
          + " policy cannot be fetched), 2 when an argument, the policy file or the sample is"
          + " invalid."
    })
final class PolicyTestCommand implements Callable<Integer> {
  /** Exit status when an argument, the policy file or the sample cannot be used. */
  static final int INVALID = 2;

  private static final ObjectMapper YAML = new YAMLMapper();

  @ParentCommand PolicyCommand parent;

  @Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "POLICY",
      description =
          "A policy YAML file (RolloutPolicy or ClusterRolloutPolicy; several documents are"
              + " evaluated in order), or the name of a policy to read from the cluster when no"
              + " such file exists.")
  String policy;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "SAMPLE",
      description =
          "Sample YAML: a Rollout manifest, or a map with rollout, stable (pod template), now"
              + " (RFC 3339) and errorBudget (remainingPercent, frozen).")
  Path sample;

  @Option(
      names = "--cluster-scoped",
      description = "Read POLICY from the cluster as a ClusterRolloutPolicy, not a RolloutPolicy.")
  boolean clusterScoped;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      PolicySample input = PolicySample.read(sample);
      List<PolicyResource> policies = policies();
      Instant now = input.now() == null ? Instant.now() : input.now();
      PolicyInput policyInput = input.input(now);
      PolicyEvaluator evaluator = new PolicyEvaluator();
      List<RuleVerdict> verdicts = new ArrayList<>();
      for (PolicyResource resource : policies) {
        verdicts.addAll(evaluator.evaluate(resource, policyInput));
      }
      out.print(PolicyTestView.render(input.rollout(), now, verdicts));
      return verdicts.stream().anyMatch(RuleVerdict::denies) ? RearguardCli.FAILED : 0;
    } catch (PolicySample.InvalidSample e) {
      err.println("error: " + e.getMessage());
      return INVALID;
    } catch (CliFailure e) {
      err.println("error: " + e.getMessage());
      return RearguardCli.FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private List<PolicyResource> policies() throws PolicySample.InvalidSample {
    Path file = Path.of(policy);
    if (Files.exists(file)) {
      return readFile(file);
    }
    if (!policy.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      throw new PolicySample.InvalidSample(
          "policy file " + policy + " does not exist, and it is not a policy name either");
    }
    return List.of(fetch());
  }

  private PolicyResource fetch() {
    Session session;
    try {
      session = parent.root.connect(cluster);
    } catch (KubernetesClientException e) {
      throw new CliFailure("cannot connect to the cluster: " + e.getMessage());
    }
    String subject =
        clusterScoped
            ? PolicyRef.CLUSTER_KIND + " " + policy
            : PolicyRef.NAMESPACED_KIND + " " + session.namespace() + "/" + policy;
    try (session) {
      PolicyResource found =
          clusterScoped
              ? session.client().resources(ClusterRolloutPolicy.class).withName(policy).get()
              : session
                  .client()
                  .resources(RolloutPolicy.class)
                  .inNamespace(session.namespace())
                  .withName(policy)
                  .get();
      if (found == null) {
        throw new CliFailure(
            subject
                + " not found"
                + (clusterScoped ? "" : "; for a ClusterRolloutPolicy add --cluster-scoped"));
      }
      return found;
    } catch (KubernetesClientException e) {
      throw new CliFailure(ApiErrors.describe(e, subject, session));
    }
  }

  /** Reads every policy document of a YAML file. */
  static List<PolicyResource> readFile(Path file) throws PolicySample.InvalidSample {
    List<PolicyResource> policies = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      var documents = YAML.readValues(parser, JsonNode.class);
      int index = 0;
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        index++;
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        policies.add(policy(document, file + " document " + index));
      }
    } catch (IOException | RuntimeException e) {
      String message =
          e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
      throw new PolicySample.InvalidSample("cannot read the policy file " + file + ": " + message);
    }
    if (policies.isEmpty()) {
      throw new PolicySample.InvalidSample("the policy file " + file + " contains no policy");
    }
    return policies;
  }

  private static PolicyResource policy(JsonNode document, String where)
      throws PolicySample.InvalidSample, JsonProcessingException {
    String kind = document.path("kind").asText();
    Class<? extends PolicyResource> type;
    if (PolicyRef.NAMESPACED_KIND.equals(kind)) {
      type = RolloutPolicy.class;
    } else if (PolicyRef.CLUSTER_KIND.equals(kind)) {
      type = ClusterRolloutPolicy.class;
    } else {
      throw new PolicySample.InvalidSample(
          where + " has kind '" + kind + "'; expected RolloutPolicy or ClusterRolloutPolicy");
    }
    PolicyResource resource = Serialization.jsonMapper().treeToValue(document, type);
    if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
      throw new PolicySample.InvalidSample(where + " has no metadata.name");
    }
    return resource;
  }
}
