package io.rearguard.policy;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.rearguard.api.PolicyResource;
import io.rearguard.api.PolicyRule;
import io.rearguard.api.RolloutPolicySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Evaluates every rule of a policy against a {@link PolicyInput}. Errors deny: a rule that does not
 * compile, fails at run time (a missing key, a type error), exceeds a limit or returns something
 * other than a bool has the verdict Error.
 *
 * <p>Evaluation is bounded three ways: the serialized input (with the parameters) may not exceed
 * {@link Limits#maxInputBytes()}; all comprehensions of one evaluation together may not iterate
 * more than {@link PolicyCompiler#MAX_ITERATIONS} times; and a cost tracker counts every evaluated
 * expression node, stopping the evaluation past {@link Limits#maxCost()}, or as soon as a string or
 * collection grows beyond {@link Limits#maxValueSize()}. Compiled programs are kept in a bounded
 * LRU cache keyed by policy UID, generation and rule.
 *
 * <p>Thread safe.
 */
public final class PolicyEvaluator {

  /**
   * Limits of one evaluation.
   *
   * @param maxInputBytes largest serialized input, parameters included, in bytes
   * @param maxCost most expression nodes evaluated per rule (its expression and value expression)
   * @param maxValueSize longest string, and largest list or map, that an evaluation may produce
   * @param cacheSize compiled rules kept
   */
  public record Limits(long maxInputBytes, long maxCost, int maxValueSize, int cacheSize) {
    /** 256 KiB of input, 100,000 nodes, 64 Ki characters or elements, 512 rules. */
    public static final Limits DEFAULT = new Limits(256 * 1024, 100_000, 64 * 1024, 512);

    public Limits {
      if (maxInputBytes < 1 || maxCost < 1 || maxValueSize < 1 || cacheSize < 1) {
        throw new IllegalArgumentException("every limit must be at least 1");
      }
    }
  }

  /** Maximum length of the rendering of a failing value. */
  static final int MAX_RENDERED = 512;

  private final Limits limits;
  private final Map<CacheKey, Compiled> cache;

  /** Creates an evaluator with the default limits. */
  public PolicyEvaluator() {
    this(Limits.DEFAULT);
  }

  /** Creates an evaluator with the given limits. */
  public PolicyEvaluator(Limits limits) {
    this.limits = limits;
    int size = limits.cacheSize();
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<CacheKey, Compiled> eldest) {
            return size() > size;
          }
        };
  }

  /** Returns the limits in force. */
  public Limits limits() {
    return limits;
  }

  /** Evaluates every rule of a policy resource, in order. */
  public List<RuleVerdict> evaluate(PolicyResource policy, PolicyInput input) {
    return evaluate(PolicyRef.of(policy), policy.policySpec(), input);
  }

  /** Evaluates every rule of a policy spec, in order; one verdict per rule. */
  public List<RuleVerdict> evaluate(PolicyRef policy, RolloutPolicySpec spec, PolicyInput input) {
    List<PolicyRule> rules = spec == null || spec.rules == null ? List.of() : spec.rules;
    Map<String, Object> params = params(spec);
    long size = input.serializedSize() + PolicyInput.sizeOf(params);
    List<RuleVerdict> verdicts = new ArrayList<>();
    if (size > limits.maxInputBytes()) {
      String error =
          "the evaluated input is "
              + size
              + " bytes, more than the limit of "
              + limits.maxInputBytes()
              + " bytes";
      for (PolicyRule rule : rules) {
        verdicts.add(error(policy, rule, error));
      }
      return verdicts;
    }
    Map<String, Object> variables = input.variables(params);
    for (PolicyRule rule : rules) {
      verdicts.add(evaluateRule(policy, rule, variables));
    }
    return verdicts;
  }

  /** Returns the parameters as CEL values: ints as ints, strings as strings. */
  public static Map<String, Object> params(RolloutPolicySpec spec) {
    Map<String, Object> params = new LinkedHashMap<>();
    if (spec == null || spec.parameters == null) {
      return params;
    }
    spec.parameters.forEach(
        (name, value) -> {
          if (name != null && value != null) {
            params.put(name, paramValue(value));
          }
        });
    return params;
  }

  private static Object paramValue(IntOrString value) {
    if (value.getIntVal() != null) {
      return value.getIntVal().longValue();
    }
    return value.getStrVal() == null ? "" : value.getStrVal();
  }

  private RuleVerdict evaluateRule(
      PolicyRef policy, PolicyRule rule, Map<String, Object> variables) {
    Compiled compiled = compiled(policy, rule);
    if (compiled.error() != null) {
      return error(policy, rule, "the rule does not compile: " + compiled.error());
    }
    CostTracker cost = new CostTracker(limits);
    Object result;
    try {
      result = compiled.rule().trace(variables, cost);
    } catch (CelEvaluationException | RuntimeException e) {
      return error(policy, rule, errorText(e));
    }
    if (!(result instanceof Boolean allowed)) {
      return error(policy, rule, "the rule returned " + describe(result) + ", not a bool");
    }
    if (allowed) {
      return new RuleVerdict(policy, rule.name, Verdict.Allowed, message(rule), "", "");
    }
    return new RuleVerdict(
        policy,
        rule.name,
        Verdict.Denied,
        message(rule),
        value(compiled, rule, variables, cost),
        "");
  }

  private String value(
      Compiled compiled, PolicyRule rule, Map<String, Object> variables, CostTracker cost) {
    if (compiled.value() == null) {
      return "`" + truncate(rule.expression.strip().replaceAll("\\s+", " ")) + "` is false";
    }
    try {
      return truncate(render(compiled.value().trace(variables, cost)));
    } catch (CelEvaluationException | RuntimeException e) {
      return "(the value expression failed: " + errorText(e) + ")";
    }
  }

  private Compiled compiled(PolicyRef policy, PolicyRule rule) {
    CacheKey key =
        new CacheKey(
            policy.uid() == null ? policy.display() : policy.uid(),
            policy.generation(),
            rule.name,
            rule.expression,
            rule.valueExpression);
    synchronized (cache) {
      Compiled cached = cache.get(key);
      if (cached != null) {
        return cached;
      }
    }
    Compiled fresh = compile(rule);
    synchronized (cache) {
      cache.put(key, fresh);
    }
    return fresh;
  }

  /** Returns the number of compiled rules in the cache. */
  int cached() {
    synchronized (cache) {
      return cache.size();
    }
  }

  private static Compiled compile(PolicyRule rule) {
    PolicyCompiler.Compilation expression = PolicyCompiler.compileRule(rule.expression);
    if (!expression.ok()) {
      return new Compiled(null, null, expression.errorText());
    }
    if (rule.valueExpression == null || rule.valueExpression.isBlank()) {
      return new Compiled(expression.program(), null, null);
    }
    PolicyCompiler.Compilation value = PolicyCompiler.compileValue(rule.valueExpression);
    if (!value.ok()) {
      return new Compiled(null, null, "valueExpression " + value.errorText());
    }
    return new Compiled(expression.program(), value.program(), null);
  }

  private static RuleVerdict error(PolicyRef policy, PolicyRule rule, String error) {
    return new RuleVerdict(policy, rule.name, Verdict.Error, message(rule), "", error);
  }

  private static String message(PolicyRule rule) {
    return rule.message == null ? "" : rule.message;
  }

  private static final java.util.regex.Pattern POSITION =
      java.util.regex.Pattern.compile("^evaluation error at [^:]*:(\\d+): ");

  /**
   * Returns the text of an evaluation error, such as {@code evaluation error at position 15: no
   * such key: team}; the position counts characters of the expression from 1.
   */
  private static String errorText(Exception e) {
    if (e.getCause() instanceof LimitExceeded limit) {
      return limit.getMessage();
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    var matcher = POSITION.matcher(text);
    if (matcher.find()) {
      int position = Integer.parseInt(matcher.group(1)) + 1;
      String rest = text.substring(matcher.end());
      if (e instanceof CelEvaluationException cel
          && cel.getErrorCode() == CelErrorCode.ATTRIBUTE_NOT_FOUND
          && !rest.contains("not present")) {
        rest = "no such key: " + rest;
      }
      text = "evaluation error at position " + position + ": " + rest;
    }
    return truncate(text);
  }

  private static String describe(Object result) {
    if (result == null) {
      return "null";
    }
    return truncate(render(result)) + " (" + result.getClass().getSimpleName() + ")";
  }

  /** Renders a CEL value briefly: lists as [a, b], maps as {k: v}, strings without quotes. */
  static String render(Object value) {
    StringBuilder out = new StringBuilder();
    render(value, out, 0);
    return out.toString();
  }

  private static void render(Object value, StringBuilder out, int depth) {
    if (out.length() > MAX_RENDERED) {
      return;
    }
    if (value instanceof Collection<?> list) {
      StringJoiner joiner = new StringJoiner(", ", "[", "]");
      for (Object element : list) {
        StringBuilder part = new StringBuilder();
        render(element, part, depth + 1);
        joiner.add(part);
        if (joiner.length() > MAX_RENDERED) {
          break;
        }
      }
      out.append(joiner);
    } else if (value instanceof Map<?, ?> map) {
      StringJoiner joiner = new StringJoiner(", ", "{", "}");
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        StringBuilder part = new StringBuilder();
        render(entry.getValue(), part, depth + 1);
        joiner.add(entry.getKey() + ": " + part);
        if (joiner.length() > MAX_RENDERED) {
          break;
        }
      }
      out.append(joiner);
    } else if (value instanceof Instant instant) {
      out.append(instant);
    } else if (value instanceof String text && depth > 0) {
      out.append('"').append(text).append('"');
    } else {
      out.append(value);
    }
  }

  private static String truncate(String text) {
    return text.length() <= MAX_RENDERED ? text : text.substring(0, MAX_RENDERED - 3) + "...";
  }

  /**
   * Maximum time for one rule's evaluation. It is checked after each evaluated node, so that rules
   * that stay under the cost limit still cannot hold a reconcile thread (and an abort) for long.
   */
  static final java.time.Duration MAX_EVALUATION_TIME = java.time.Duration.ofMillis(250);

  /** Thrown by the cost tracker; cel-java reports it as the cause of an evaluation error. */
  static final class LimitExceeded extends RuntimeException {
    LimitExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Counts evaluated expression nodes and checks the size of every intermediate value. cel-java
   * 0.14.0 calls the listener once per evaluated node, so the count is the evaluation's work.
   */
  private static final class CostTracker implements CelEvaluationListener {
    private final Limits limits;
    private final long deadline = System.nanoTime() + MAX_EVALUATION_TIME.toNanos();
    private long cost;

    CostTracker(Limits limits) {
      this.limits = limits;
    }

    @Override
    public void callback(dev.cel.common.ast.CelExpr expr, Object value) {
      long size =
          value instanceof String text
              ? text.length()
              : value instanceof Collection<?> list
                  ? list.size()
                  : value instanceof Map<?, ?> map ? map.size() : 0;
      // A node that yields a large value (a regex match over a long string, a large list) costs
      // one unit per KiB or 1024 elements, so a few nodes cannot hide much work.
      cost += 1 + size / 1024;
      if (cost > limits.maxCost()) {
        throw new LimitExceeded(
            "the evaluation cost limit of "
                + limits.maxCost()
                + " evaluated expressions was exceeded");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new LimitExceeded(
            "the evaluation took longer than " + MAX_EVALUATION_TIME.toMillis() + " ms");
      }
      if (size > limits.maxValueSize()) {
        throw new LimitExceeded(
            "a value of size "
                + size
                + " exceeds the limit of "
                + limits.maxValueSize()
                + " characters or elements");
      }
    }
  }

  private record CacheKey(
      String policy, long generation, String rule, String expression, String valueExpression) {}

  /** The compiled programs of one rule, or why it does not compile. */
  private record Compiled(CelRuntime.Program rule, CelRuntime.Program value, String error) {}
}
