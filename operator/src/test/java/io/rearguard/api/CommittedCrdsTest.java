package io.rearguard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Fails the build when crds/ no longer matches the CRDs generated from the Java model. */
class CommittedCrdsTest {
  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path COMMITTED = Path.of("../crds");
  private static final String FIX =
      " is stale; run ./mvnw -pl operator process-classes -Pupdate-crds and commit crds/";

  @Test
  void committedCrdsMatchGeneratedOnes() throws IOException {
    List<Path> generated = crdFiles(GENERATED);

    assertThat(generated).as("generated CRDs").isNotEmpty();
    for (Path file : generated) {
      Path committed = COMMITTED.resolve(file.getFileName());
      assertThat(committed).as("crds/" + file.getFileName() + " is missing;" + FIX).exists();
      assertThat(Files.readString(committed))
          .as("crds/" + file.getFileName() + FIX)
          .isEqualTo(Files.readString(file));
    }
    assertThat(crdFiles(COMMITTED).size())
        .as("crds/ holds a CRD that the model no longer generates")
        .isEqualTo(generated.size());
  }

  private static List<Path> crdFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith("-v1.yml")).sorted().toList();
    }
  }
}
