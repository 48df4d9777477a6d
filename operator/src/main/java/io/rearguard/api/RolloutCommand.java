package io.rearguard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A manual action on a Rollout, executed at most once and then marked Accepted or Rejected. */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("rgcmd")
@AdditionalPrinterColumn(name = "Rollout", jsonPath = ".spec.rollout")
@AdditionalPrinterColumn(name = "Action", jsonPath = ".spec.action")
@AdditionalPrinterColumn(name = "Result", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.message", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RolloutCommand extends CustomResource<RolloutCommandSpec, RolloutCommandStatus>
    implements Namespaced {}
