package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The bounds a measured value must stay within to count as Successful. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.max) || has(self.min) || has(self.condition)",
    message = "a threshold needs max, min or condition")
@ValidationRule(
    value = "!has(self.max) || !has(self.min) || self.min <= self.max",
    message = "threshold min must not be greater than max")
public class Threshold {

  @JsonPropertyDescription("Largest Successful value, inclusive. A larger value is Failed.")
  public Double max;

  @JsonPropertyDescription("Smallest Successful value, inclusive. A smaller value is Failed.")
  public Double min;

  @JsonPropertyDescription(
      "CEL expression over the double `value`, for a rule that max and min cannot express. It"
          + " returns a bool (true Successful, false Failed) or one of the strings 'Successful',"
          + " 'Failed' and 'Inconclusive'. Any other result, or an evaluation error, is Error. It"
          + " is checked after max and min.")
  @Size(max = 1024)
  public String condition;
}
