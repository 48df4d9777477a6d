package io.rearguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rearguard.api.PolicyRule;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {

  @Test
  void compilesABoolRuleOverTheDeclaredVariables() {
    PolicyCompiler.Compilation result =
        PolicyCompiler.compileRule(
            "revision.images.all(i, i.digest != '') && now > timestamp('2020-01-01T00:00:00Z')"
                + " && errorBudget.remaining >= 0 && size(steps) > 0 && params.x == 1"
                + " && stable.exists && rollout.metadata.name != ''");

    assertThat(result.ok()).as(result.errorText()).isTrue();
    assertThat(result.program()).isNotNull();
    assertThat(result.resultType()).isEqualTo("bool");
  }

  @Test
  void syntaxErrorHasOneBasedLineAndColumn() {
    PolicyCompiler.Compilation result =
        PolicyCompiler.compileRule("revision.images.all(i,\n  i.digest != ''");

    assertThat(result.ok()).isFalse();
    assertThat(result.program()).isNull();
    PolicyCompiler.CompileError error = result.errors().get(0);
    assertThat(error.line()).isEqualTo(2);
    assertThat(error.column()).isEqualTo(17);
    assertThat(error.toString()).startsWith("2:17: ");
  }

  @Test
  void undeclaredVariableIsReportedWhereItStands() {
    PolicyCompiler.Compilation result = PolicyCompiler.compileRule("true && revison.hash == ''");

    assertThat(result.errors()).hasSize(1);
    assertThat(result.errors().get(0).line()).isEqualTo(1);
    assertThat(result.errors().get(0).column()).isEqualTo(9);
    assertThat(result.errors().get(0).message()).contains("revison");
  }

  @Test
  void rejectsNonBoolResultTypes() {
    assertThat(PolicyCompiler.compileRule("size(revision.images)").errorText())
        .isEqualTo("1:1: the rule returns int; it must return a bool");
    assertThat(PolicyCompiler.compileRule("'yes'").errorText()).contains("returns string");
    assertThat(PolicyCompiler.compileRule("revision.images.map(i, i.image)").ok()).isFalse();
  }

  @Test
  void acceptsDynResultsForTheEvaluatorToCheck() {
    assertThat(PolicyCompiler.compileRule("params.enabled").ok()).isTrue();
  }

  @Test
  void valueExpressionsMayReturnAnyType() {
    assertThat(PolicyCompiler.compileValue("revision.images.map(i, i.image)").ok()).isTrue();
    assertThat(PolicyCompiler.compileValue("size(steps)").resultType()).isEqualTo("int");
  }

  @Test
  void typeErrorsAreFoundAtCompileTime() {
    PolicyCompiler.Compilation result = PolicyCompiler.compileRule("now > 5");

    assertThat(result.ok()).isFalse();
    assertThat(result.errors().get(0).column()).isEqualTo(5);
  }

  @Test
  void validateNamesTheFailingExpression() {
    PolicyRule rule = Policies.rule("r", "true", "revision.");

    assertThat(PolicyCompiler.validate(rule))
        .singleElement()
        .asString()
        .startsWith("valueExpression 1:10: ");
    assertThat(PolicyCompiler.validate(Policies.rule("ok", "true", "revision.hash"))).isEmpty();
    assertThat(PolicyCompiler.validate(Policies.rule("empty", " ")))
        .containsExactly("expression is empty");
  }

  @Test
  void overlongExpressionIsRejected() {
    String longExpression = "true" + " && true".repeat(PolicyRule.MAX_EXPRESSION_LENGTH / 8 + 1);

    assertThat(PolicyCompiler.compileRule(longExpression).ok()).isFalse();
  }
}
