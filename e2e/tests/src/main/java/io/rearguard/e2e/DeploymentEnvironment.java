package io.rearguard.e2e;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the literal environment variables of the operator container from the Deployment. */
public final class DeploymentEnvironment {
  private DeploymentEnvironment() {}

  /** Returns the variables that have a literal value; those taken from a field ref are left out. */
  public static Map<String, String> read(Path deploymentYaml) throws IOException {
    Deployment deployment;
    try (InputStream in = Files.newInputStream(deploymentYaml)) {
      deployment = Serialization.unmarshal(in, Deployment.class);
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable :
        deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      if (variable.getValue() != null) {
        env.put(variable.getName(), variable.getValue());
      }
    }
    return env;
  }
}
