package io.rearguard.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One case of the bad-input corpus: a YAML file under {@code bad-input/<kind>/} whose leading
 * comment lines hold the expected outcome as {@code # key: value} lines. Other comment lines
 * describe the case.
 *
 * <ul>
 *   <li>{@code expect}: {@code rejected} (the API server rejects the last document), {@code
 *       invalid-spec} (it is stored, then the operator sets condition InvalidSpec=True and changes
 *       no ReplicaSet) or {@code escaped} (an injected query argument stays a string literal, so
 *       the measurement finds no series).
 *   <li>{@code via}: for {@code rejected}, the layer expected to reject it: {@code schema}, {@code
 *       cel}, {@code admission} (a ValidatingAdmissionPolicy), {@code webhook} (the operator's
 *       policy webhook), {@code strict}, {@code metadata} or {@code exists}.
 *   <li>{@code message}: a text that the rejection or the InvalidSpec message must contain. It may
 *       be repeated.
 *   <li>{@code query-contains}: for {@code escaped}, a text the measured query must contain.
 *   <li>{@code as}: the stack user who applies the last document (admin, oncall-alice, dev-bob).
 *       Without it, the client-certificate admin applies it.
 *   <li>{@code operation}: {@code create} (default) or {@code update} of the last document.
 *   <li>{@code expand}: {@code NAME=text*count} replaces {@code ${NAME}} with the text repeated
 *       count times, so huge inputs need no huge files. It may be repeated.
 * </ul>
 *
 * <p>Documents are separated by {@code ---} lines. Every document before the last is set up first
 * and must be accepted. {@code ${PROMETHEUS}} is replaced with the stack's Prometheus address. The
 * test sets the namespace.
 */
record BadInputCase(
    String kind,
    String id,
    String description,
    Expect expect,
    String via,
    List<String> messages,
    List<String> queryContains,
    String user,
    boolean update,
    List<String> documents) {

  /** Layers of the API server that can reject a case. */
  static final Set<String> LAYERS =
      Set.of("schema", "cel", "admission", "webhook", "strict", "metadata", "exists");

  private static final Pattern KEY_LINE = Pattern.compile("^#\\s*([a-z][a-z-]*):\\s?(.*)$");
  private static final Set<String> KEYS =
      Set.of("expect", "via", "message", "query-contains", "as", "operation", "expand");
  private static final Pattern EXPANSION = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.+)\\*(\\d+)$");

  /** Expected outcome of a case. */
  enum Expect {
    REJECTED("rejected"),
    INVALID_SPEC("invalid-spec"),
    ESCAPED("escaped");

    final String text;

    Expect(String text) {
      this.text = text;
    }

    static Expect parse(String text, Path file) {
      for (Expect expect : values()) {
        if (expect.text.equals(text)) {
          return expect;
        }
      }
      throw new IllegalArgumentException(
          file + ": expect must be rejected, invalid-spec or escaped, got '" + text + "'");
    }
  }

  /** Returns the label used in test names and reports, such as {@code rollout/02-replicas}. */
  String name() {
    return kind + "/" + id;
  }

  /** Returns the documents with the Prometheus address filled in. */
  List<String> documents(String prometheusAddress) {
    return documents.stream().map(d -> d.replace("${PROMETHEUS}", prometheusAddress)).toList();
  }

  /**
   * Loads every case under a classpath folder, sorted by kind and file name. A kind folder that is
   * absent or empty contributes no cases.
   */
  static List<BadInputCase> loadAll(String resourceFolder) {
    URL url = BadInputCase.class.getClassLoader().getResource(resourceFolder);
    if (url == null) {
      return List.of();
    }
    try {
      return loadFolder(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid resource URL " + url, e);
    }
  }

  /** Loads every {@code <kind>/*.yaml} under a folder, sorted by kind and file name. */
  static List<BadInputCase> loadFolder(Path root) {
    List<BadInputCase> cases = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return cases;
    }
    try (Stream<Path> kinds = Files.list(root)) {
      for (Path kindFolder : kinds.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> files = Files.list(kindFolder)) {
          for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
            cases.add(parse(kindFolder.getFileName().toString(), file, Files.readString(file)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("failed to read the bad-input corpus under " + root, e);
    }
    return cases;
  }

  /**
   * Parses one case file.
   *
   * @throws IllegalArgumentException when the header is incomplete or names an unknown key
   */
  static BadInputCase parse(String kind, Path file, String text) {
    Map<String, List<String>> header = new LinkedHashMap<>();
    StringBuilder description = new StringBuilder();
    List<String> lines = text.lines().toList();

    int bodyStart = 0;
    while (bodyStart < lines.size() && lines.get(bodyStart).startsWith("#")) {
      String line = lines.get(bodyStart++);
      Matcher key = KEY_LINE.matcher(line);
      if (key.matches() && KEYS.contains(key.group(1))) {
        header.computeIfAbsent(key.group(1), k -> new ArrayList<>()).add(key.group(2));
      } else if (key.matches()) {
        throw new IllegalArgumentException(
            file + ": unknown header key '" + key.group(1) + "'; known keys are " + KEYS);
      } else {
        description.append(description.length() == 0 ? "" : " ").append(line.substring(1).trim());
      }
    }

    String body = String.join("\n", lines.subList(bodyStart, lines.size())) + "\n";
    for (String expansion : header.getOrDefault("expand", List.of())) {
      body = expand(body, expansion, file);
    }
    List<String> documents = new ArrayList<>();
    for (String document : body.split("(?m)^---\\s*$")) {
      if (!document.isBlank()) {
        documents.add(document);
      }
    }

    String operation = header.containsKey("operation") ? single(header, "operation", file) : null;
    String id = file.getFileName().toString().replaceFirst("\\.yaml$", "");
    BadInputCase parsed =
        new BadInputCase(
            kind,
            id,
            description.toString(),
            Expect.parse(single(header, "expect", file), file),
            header.containsKey("via") ? single(header, "via", file) : null,
            List.copyOf(header.getOrDefault("message", List.of())),
            List.copyOf(header.getOrDefault("query-contains", List.of())),
            header.containsKey("as") ? single(header, "as", file) : null,
            "update".equals(operation),
            List.copyOf(documents));
    parsed.check(file, header);
    return parsed;
  }

  private void check(Path file, Map<String, List<String>> header) {
    if (documents.isEmpty()) {
      throw new IllegalArgumentException(file + ": no YAML document after the header");
    }
    String operation = header.getOrDefault("operation", List.of("create")).get(0);
    if (!operation.equals("create") && !operation.equals("update")) {
      throw new IllegalArgumentException(
          file + ": operation must be create or update, got '" + operation + "'");
    }
    if (update && documents.size() < 2) {
      throw new IllegalArgumentException(file + ": operation update needs a document to update");
    }
    switch (expect) {
      case REJECTED -> {
        if (via == null || !LAYERS.contains(via)) {
          throw new IllegalArgumentException(
              file + ": a rejected case needs via, one of " + LAYERS + ", got " + via);
        }
        requireNonEmpty(messages, "message", file);
      }
      case INVALID_SPEC -> requireNonEmpty(messages, "message", file);
      case ESCAPED -> {
        requireNonEmpty(queryContains, "query-contains", file);
        if (!update) {
          throw new IllegalArgumentException(
              file + ": an escaped case updates a Healthy Rollout to start a canary");
        }
      }
    }
  }

  private static void requireNonEmpty(List<String> values, String key, Path file) {
    if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(file + ": needs at least one non-empty " + key + " line");
    }
  }

  private static String single(Map<String, List<String>> header, String key, Path file) {
    List<String> values = header.get(key);
    if (values == null || values.size() != 1) {
      throw new IllegalArgumentException(
          file
              + ": needs exactly one '"
              + key
              + "' line, got "
              + (values == null ? 0 : values.size()));
    }
    return values.get(0).trim();
  }

  private static String expand(String body, String expansion, Path file) {
    Matcher matcher = EXPANSION.matcher(expansion.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          file + ": expand must look like NAME=text*count, got '" + expansion + "'");
    }
    String placeholder = "${" + matcher.group(1) + "}";
    if (!body.contains(placeholder)) {
      throw new IllegalArgumentException(
          file + ": expand names " + placeholder + ", not in the body");
    }
    return body.replace(placeholder, matcher.group(2).repeat(Integer.parseInt(matcher.group(3))));
  }
}
