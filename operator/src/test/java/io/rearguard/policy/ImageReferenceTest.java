package io.rearguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @Test
  void registryWithPortTagAndDigest() {
    ImageReference ref = ImageReference.parse("registry.local:5000/team/app:1.2@" + DIGEST);

    assertThat(ref.registry()).isEqualTo("registry.local:5000");
    assertThat(ref.repository()).isEqualTo("registry.local:5000/team/app");
    assertThat(ref.tag()).isEqualTo("1.2");
    assertThat(ref.digest()).isEqualTo(DIGEST);
    assertThat(ref.pinned()).isTrue();
  }

  @Test
  void portIsNotTakenForATag() {
    ImageReference ref = ImageReference.parse("localhost:5000/app");

    assertThat(ref.registry()).isEqualTo("localhost:5000");
    assertThat(ref.repository()).isEqualTo("localhost:5000/app");
    assertThat(ref.tag()).isEmpty();
    assertThat(ref.digest()).isEmpty();
    assertThat(ref.pinned()).isFalse();
  }

  @Test
  void dockerHubShortNames() {
    assertThat(ImageReference.parse("nginx"))
        .isEqualTo(new ImageReference("nginx", "", "nginx", "", ""));
    assertThat(ImageReference.parse("library/nginx:1.27"))
        .isEqualTo(new ImageReference("library/nginx:1.27", "", "library/nginx", "1.27", ""));
    assertThat(ImageReference.parse("localhost/app:dev").registry()).isEqualTo("localhost");
  }

  @Test
  void digestWithoutTag() {
    ImageReference ref = ImageReference.parse("ghcr.io/org/app@" + DIGEST);

    assertThat(ref.registry()).isEqualTo("ghcr.io");
    assertThat(ref.repository()).isEqualTo("ghcr.io/org/app");
    assertThat(ref.tag()).isEmpty();
    assertThat(ref.pinned()).isTrue();
  }

  @Test
  void malformedDigestIsNotPinned() {
    assertThat(ImageReference.parse("app@sha256:abc").pinned()).isFalse();
    assertThat(ImageReference.parse("app@sha256:abc").digest()).isEqualTo("sha256:abc");
  }
}
