package io.rearguard.decide;

/**
 * One change of a Rollout's state, reported once as an Event, a log line and a counter.
 *
 * @param warning whether the Event is a Warning rather than Normal
 * @param reason UpperCamelCase reason from {@link Reasons}
 * @param message what changed, worded as from A to B
 * @param actor who decided: "operator" or the command and its requester
 */
public record Transition(boolean warning, String reason, String message, String actor) {

  /** Actor of automatic decisions. */
  public static final String OPERATOR = "operator";
}
