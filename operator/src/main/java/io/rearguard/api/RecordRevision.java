package io.rearguard.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A revision named in a RolloutRecord, with its provenance at the time of the record. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecordRevision extends RevisionProvenance {}
