package io.rearguard.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A container image reference split into its parts, as in {@code
 * registry.example.com:5000/team/app:1.2@sha256:abc...}.
 *
 * @param image the reference as written in the pod template
 * @param registry the registry host (with its port), or "" when the reference names none
 * @param repository the reference without tag and digest, registry included when written
 * @param tag the tag, or "" when none is written ("latest" is not assumed)
 * @param digest the digest such as {@code sha256:<64 hex>}, or "" when the image is not pinned
 */
public record ImageReference(
    String image, String registry, String repository, String tag, String digest) {

  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * Parses a reference. The first path component is a registry when it contains a '.' or a ':', or
   * is {@code localhost}; a ':' after the last '/' starts the tag; '@' starts the digest.
   */
  public static ImageReference parse(String image) {
    String rest = image == null ? "" : image.trim();
    String digest = "";
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = "";
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = "";
    int firstSlash = rest.indexOf('/');
    if (firstSlash > 0) {
      String first = rest.substring(0, firstSlash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
      }
    }
    return new ImageReference(image == null ? "" : image, registry, rest, tag, digest);
  }

  /** Returns whether the reference is pinned by a well-formed sha256 digest. */
  public boolean pinned() {
    return SHA256.matcher(digest).matches();
  }

  /** Returns the CEL map of this reference, with the container's name. */
  Map<String, Object> toMap(String container) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("container", container == null ? "" : container);
    map.put("image", image);
    map.put("registry", registry);
    map.put("repository", repository);
    map.put("tag", tag);
    map.put("digest", digest);
    return map;
  }
}
