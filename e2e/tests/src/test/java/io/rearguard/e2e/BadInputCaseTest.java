package io.rearguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputCaseTest {
  private static final Path FILE = Path.of("bad-input/rollout/99-example.yaml");

  @Test
  void corpusLoadsWithCompleteHeaders() {
    List<BadInputCase> cases = BadInputCase.loadAll("bad-input");

    assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
    assertThat(cases.stream().map(BadInputCase::kind).collect(Collectors.toSet()))
        .contains("rollout", "command");
    assertThat(cases.stream().map(BadInputCase::name).distinct()).hasSameSizeAs(cases);
  }

  @Test
  void corpusCoversEveryOutcome() {
    Set<String> outcomes =
        BadInputCase.loadAll("bad-input").stream()
            .map(c -> c.expect() == BadInputCase.Expect.REJECTED ? c.via() : c.expect().name())
            .collect(Collectors.toSet());

    assertThat(outcomes)
        .contains("schema", "cel", "admission", "strict", "metadata", "exists")
        .contains("INVALID_SPEC", "ESCAPED");
  }

  @Test
  void absentOrEmptyKindFolderGivesNoCases(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("policy"));

    assertThat(BadInputCase.loadFolder(root.resolve("absent"))).isEmpty();
    assertThat(BadInputCase.loadFolder(root)).isEmpty();
    assertThat(BadInputCase.loadAll("no-such-corpus")).isEmpty();
  }

  @Test
  void newKindFolderIsLoaded(@TempDir Path root) throws IOException {
    Path policy = Files.createDirectories(root.resolve("policy"));
    Files.writeString(
        policy.resolve("01-gate.yaml"),
        "# expect: rejected\n# via: cel\n# message: gate\nkind: RolloutPolicy\n");

    List<BadInputCase> cases = BadInputCase.loadFolder(root);

    assertThat(cases).singleElement().extracting(BadInputCase::name).isEqualTo("policy/01-gate");
  }

  @Test
  void headerAndDocumentsAreParsed() {
    String text =
        """
        # A healthy Rollout updated to a bad one.
        # expect: invalid-spec
        # message: spec.selector
        # message: does not match
        # as: dev-bob
        # operation: update
        # expand: BIG=ab*3
        kind: Rollout
        ---
        kind: Rollout
        metadata: {annotations: {x: ${BIG}}}
        """;

    BadInputCase parsed = BadInputCase.parse("rollout", FILE, text);

    assertThat(parsed.id()).isEqualTo("99-example");
    assertThat(parsed.description()).isEqualTo("A healthy Rollout updated to a bad one.");
    assertThat(parsed.expect()).isEqualTo(BadInputCase.Expect.INVALID_SPEC);
    assertThat(parsed.messages()).containsExactly("spec.selector", "does not match");
    assertThat(parsed.user()).isEqualTo("dev-bob");
    assertThat(parsed.update()).isTrue();
    assertThat(parsed.documents()).hasSize(2);
    assertThat(parsed.documents().get(1)).contains("{x: ababab}");
  }

  @Test
  void prometheusAddressIsFilledIn() {
    BadInputCase parsed =
        BadInputCase.parse(
            "rollout",
            FILE,
            "# expect: invalid-spec\n# message: x\nspec: {address: ${PROMETHEUS}}\n");

    assertThat(parsed.documents("http://127.0.0.1:1"))
        .containsExactly("spec: {address: http://127.0.0.1:1}\n");
  }

  @Test
  void rejectedCaseWithoutLayerIsInvalid() {
    assertThatThrownBy(
            () ->
                BadInputCase.parse("rollout", FILE, "# expect: rejected\n# message: x\nkind: A\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("99-example.yaml")
        .hasMessageContaining("needs via");
  }

  @Test
  void unknownHeaderKeyIsInvalid() {
    assertThatThrownBy(
            () ->
                BadInputCase.parse(
                    "rollout", FILE, "# expect: invalid-spec\n# mesage: x\nkind: A\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown header key 'mesage'");
  }

  @Test
  void escapedCaseNeedsUpdate() {
    assertThatThrownBy(
            () ->
                BadInputCase.parse(
                    "rollout", FILE, "# expect: escaped\n# query-contains: x\nkind: A\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("updates a Healthy Rollout");
  }
}
