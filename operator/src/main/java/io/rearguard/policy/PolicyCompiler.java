package io.rearguard.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.rearguard.api.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles policy rule expressions in the declared environment of {@link PolicyInput}. The
 * admission webhook, the {@code kubectl rearguard policy test} command and the operator all compile
 * through this class, so they accept and reject the same expressions.
 *
 * <p>The environment: the variables of {@link #VARIABLES}, the standard macros ({@code has}, {@code
 * all}, {@code exists}, {@code exists_one}, {@code map}, {@code filter}) and the CEL strings
 * extension ({@code join}, {@code split}, {@code lowerAscii}, ...). Ints and doubles compare with
 * each other.
 */
public final class PolicyCompiler {

  /** Most iterations of all comprehensions ({@code all}, {@code map}, ...) in one evaluation. */
  public static final int MAX_ITERATIONS = 10_000;

  private static final MapType OBJECT = MapType.create(SimpleType.STRING, SimpleType.DYN);

  /** The declared variables and their CEL types. */
  public static final Map<String, CelType> VARIABLES =
      Map.of(
          "rollout", OBJECT,
          "revision", OBJECT,
          "stable", OBJECT,
          "now", SimpleType.TIMESTAMP,
          "errorBudget", OBJECT,
          "steps", ListType.create(OBJECT),
          "params", OBJECT);

  static final Cel CEL = build();

  private PolicyCompiler() {}

  private static Cel build() {
    var builder =
        CelFactory.standardCelBuilder()
            .setOptions(
                CelOptions.current()
                    .maxExpressionCodePointSize(PolicyRule.MAX_EXPRESSION_LENGTH)
                    .maxParseRecursionDepth(64)
                    .comprehensionMaxIterations(MAX_ITERATIONS)
                    .maxRegexProgramSize(1000)
                    .enableHeterogeneousNumericComparisons(true)
                    .build())
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings());
    VARIABLES.forEach(builder::addVar);
    return builder.build();
  }

  /**
   * A compile error.
   *
   * @param line line of the error, from 1
   * @param column column of the error, from 1
   * @param message what is wrong
   */
  public record CompileError(int line, int column, String message) {
    @Override
    public String toString() {
      return line + ":" + column + ": " + message;
    }
  }

  /**
   * The result of a compilation: a program, or the errors.
   *
   * @param program the program; null when there are errors
   * @param errors the errors, empty when the expression compiled
   * @param resultType the CEL type of the result, such as bool; "" when it did not compile
   */
  public record Compilation(
      CelRuntime.Program program, List<CompileError> errors, String resultType) {
    public Compilation {
      errors = List.copyOf(errors);
    }

    /** Returns whether the expression compiled. */
    public boolean ok() {
      return errors.isEmpty();
    }

    /** Returns the errors as "line:column: message", separated by "; ". */
    public String errorText() {
      return String.join("; ", errors.stream().map(CompileError::toString).toList());
    }
  }

  /**
   * Compiles a rule expression whose result type must be bool or dyn. A dyn result is checked when
   * evaluated, and a non-bool result is then an Error verdict. Any other type fails at 1:1.
   */
  public static Compilation compileRule(String expression) {
    return compile(expression, true);
  }

  /** Compiles a value expression; its result may have any type. */
  public static Compilation compileValue(String expression) {
    return compile(expression, false);
  }

  /**
   * Compiles both expressions of a rule, for admission: returns every error, each prefixed with
   * "expression " or "valueExpression ", such as {@code expression 1:12: undeclared reference to
   * 'revison'}. Empty when the rule is valid.
   */
  public static List<String> validate(PolicyRule rule) {
    List<String> problems = new ArrayList<>();
    if (rule.expression == null || rule.expression.isBlank()) {
      problems.add("expression is empty");
    } else {
      compileRule(rule.expression).errors().forEach(e -> problems.add("expression " + e));
    }
    if (rule.valueExpression != null && !rule.valueExpression.isBlank()) {
      compileValue(rule.valueExpression)
          .errors()
          .forEach(e -> problems.add("valueExpression " + e));
    }
    return problems;
  }

  private static Compilation compile(String expression, boolean mustBeBool) {
    if (expression == null || expression.isBlank()) {
      return failed(new CompileError(1, 1, "the expression is empty"));
    }
    CelValidationResult result = CEL.compile(expression, "rule");
    if (result.hasError()) {
      List<CompileError> errors = new ArrayList<>();
      for (CelIssue issue : result.getErrors()) {
        errors.add(error(issue));
      }
      if (errors.isEmpty()) {
        errors.add(new CompileError(1, 1, result.getErrorString()));
      }
      return failed(errors.toArray(CompileError[]::new));
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      CelType type = ast.getResultType();
      if (mustBeBool && !type.equals(SimpleType.BOOL) && !type.equals(SimpleType.DYN)) {
        return failed(
            new CompileError(1, 1, "the rule returns " + type.name() + "; it must return a bool"));
      }
      return new Compilation(CEL.createProgram(ast), List.of(), type.name());
    } catch (CelValidationException e) {
      List<CompileError> errors = new ArrayList<>();
      e.getErrors().forEach(issue -> errors.add(error(issue)));
      return failed(errors.toArray(CompileError[]::new));
    } catch (CelEvaluationException e) {
      return failed(new CompileError(1, 1, e.getMessage()));
    }
  }

  /** Converts an issue; cel-java counts lines from 1 and columns from 0. */
  private static CompileError error(CelIssue issue) {
    CelSourceLocation location = issue.getSourceLocation();
    if (location == null || location.equals(CelSourceLocation.NONE)) {
      return new CompileError(1, 1, issue.getMessage());
    }
    return new CompileError(
        Math.max(1, location.getLine()), Math.max(0, location.getColumn()) + 1, issue.getMessage());
  }

  private static Compilation failed(CompileError... errors) {
    return new Compilation(null, List.of(errors), "");
  }
}
