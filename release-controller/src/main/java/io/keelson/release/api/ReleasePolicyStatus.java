package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The release controller's record of a policy's releases; the only part of a policy it writes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReleasePolicyStatus {

  /** Past releases kept in {@link #history}, newest last; the CRD enforces the same bound. */
  public static final int HISTORY_LIMIT = 20;
  /** Manual actions kept in {@link #actions}, newest last; the CRD enforces the same bound. */
  public static final int ACTIONS_LIMIT = 20;

  /** Where the current release stands. */
  private ReleasePhase phase;
  /** The release running in production. */
  private ReleaseIdentity stable;
  /** The release being tried, if any. */
  private ReleaseIdentity candidate;
  /** The released pod template, exactly as Git declared it; render gives it to the stable Deployment. */
  private PodTemplateSpec stableTemplate;
  /**
   * The template of the release under way, exactly as Git declared it when the release started; render
   * keeps the canary on it while a newer Git template waits its turn ({@code onNewCandidate: queue}).
   */
  private PodTemplateSpec candidateTemplate;
  /** The canary's current share of traffic, in percent. */
  private Integer canaryWeight;
  /** The current step: 0 = test route or mirror (the phase says which), 1.. = index into the weights, plus one. */
  private Integer step;
  /** RFC 3339 time the current step's routing took effect: the start of its metric windows. */
  private String stepStartedAt;
  /** Failed checks counted towards the failure threshold in the current release. */
  private Integer failures;
  /** Per-step measurements of the current release. */
  private List<Evidence> evidence;
  /** Standard Kubernetes conditions (e.g. Ready, Progressing). */
  private List<Condition> conditions;
  /** The sequential test of each metric at each step of the release, as of its last change. */
  private List<SequentialEvidence> sequential;
  /** Finished releases, newest last, at most {@link #HISTORY_LIMIT}. */
  private List<HistoryEntry> history;
  /** The policy generation this status was computed from. */
  private Long observedGeneration;
  /** RFC 3339 time the current release started (the progress deadline counts from here). */
  private String releaseStartedAt;
  /** RFC 3339 time the current step was last analysed; the next analysis is one window later. */
  private String analyzedAt;
  /** RFC 3339 time of the first INCONCLUSIVE verdict in the current step: the inconclusive budget's start. */
  private String inconclusiveSince;
  /** RFC 3339 time of the first ERROR verdict in the current step: the error budget's start. */
  private String errorSince;
  /** Failed verdicts per check, counted as the policy's failureCounting says; {@link #failures} is the highest. */
  private Map<String, Integer> failuresByCheck;
  /** The last step passed and the policy has a manual gate: the release waits for a promote action. */
  private Boolean awaitingPromotion;
  /** A pause action holds the release where it is until a resume action. */
  private Boolean paused;
  /** Why the release is in its current phase, in a sentence (e.g. the breach that rolled it back). */
  private String reason;
  /** Manual actions handled, newest last, at most {@link #ACTIONS_LIMIT}. */
  private List<ActionRecord> actions;

  public ReleasePhase getPhase() {
    return phase;
  }

  public void setPhase(ReleasePhase phase) {
    this.phase = phase;
  }

  public ReleaseIdentity getStable() {
    return stable;
  }

  public void setStable(ReleaseIdentity stable) {
    this.stable = stable;
  }

  public ReleaseIdentity getCandidate() {
    return candidate;
  }

  public void setCandidate(ReleaseIdentity candidate) {
    this.candidate = candidate;
  }

  public PodTemplateSpec getStableTemplate() {
    return stableTemplate;
  }

  public void setStableTemplate(PodTemplateSpec stableTemplate) {
    this.stableTemplate = stableTemplate;
  }

  public PodTemplateSpec getCandidateTemplate() {
    return candidateTemplate;
  }

  public void setCandidateTemplate(PodTemplateSpec candidateTemplate) {
    this.candidateTemplate = candidateTemplate;
  }

  public Integer getCanaryWeight() {
    return canaryWeight;
  }

  public void setCanaryWeight(Integer canaryWeight) {
    this.canaryWeight = canaryWeight;
  }

  public Integer getStep() {
    return step;
  }

  public void setStep(Integer step) {
    this.step = step;
  }

  public String getStepStartedAt() {
    return stepStartedAt;
  }

  public void setStepStartedAt(String stepStartedAt) {
    this.stepStartedAt = stepStartedAt;
  }

  public Integer getFailures() {
    return failures;
  }

  public void setFailures(Integer failures) {
    this.failures = failures;
  }

  public List<Evidence> getEvidence() {
    return evidence;
  }

  public void setEvidence(List<Evidence> evidence) {
    this.evidence = evidence;
  }

  public List<SequentialEvidence> getSequential() {
    return sequential;
  }

  public void setSequential(List<SequentialEvidence> sequential) {
    this.sequential = sequential;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<HistoryEntry> getHistory() {
    return history;
  }

  public void setHistory(List<HistoryEntry> history) {
    this.history = history;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getReleaseStartedAt() {
    return releaseStartedAt;
  }

  public void setReleaseStartedAt(String releaseStartedAt) {
    this.releaseStartedAt = releaseStartedAt;
  }

  public String getAnalyzedAt() {
    return analyzedAt;
  }

  public void setAnalyzedAt(String analyzedAt) {
    this.analyzedAt = analyzedAt;
  }

  public String getInconclusiveSince() {
    return inconclusiveSince;
  }

  public void setInconclusiveSince(String inconclusiveSince) {
    this.inconclusiveSince = inconclusiveSince;
  }

  public String getErrorSince() {
    return errorSince;
  }

  public void setErrorSince(String errorSince) {
    this.errorSince = errorSince;
  }

  public Map<String, Integer> getFailuresByCheck() {
    return failuresByCheck;
  }

  public void setFailuresByCheck(Map<String, Integer> failuresByCheck) {
    this.failuresByCheck = failuresByCheck;
  }

  public Boolean getAwaitingPromotion() {
    return awaitingPromotion;
  }

  public void setAwaitingPromotion(Boolean awaitingPromotion) {
    this.awaitingPromotion = awaitingPromotion;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public List<ActionRecord> getActions() {
    return actions;
  }

  public void setActions(List<ActionRecord> actions) {
    this.actions = actions;
  }

  /** Appends a handled action to {@link #actions}, dropping the oldest beyond {@link #ACTIONS_LIMIT}. */
  public void recordAction(ActionRecord action) {
    List<ActionRecord> entries = actions == null ? new ArrayList<>() : new ArrayList<>(actions);
    entries.add(Objects.requireNonNull(action, "action"));
    actions = new ArrayList<>(entries.subList(Math.max(0, entries.size() - ACTIONS_LIMIT), entries.size()));
  }

  /** Appends a finished release to {@link #history}, dropping the oldest beyond {@link #HISTORY_LIMIT}. */
  public void recordHistory(HistoryEntry entry) {
    List<HistoryEntry> entries = history == null ? new ArrayList<>() : new ArrayList<>(history);
    entries.add(Objects.requireNonNull(entry, "entry"));
    history = new ArrayList<>(entries.subList(Math.max(0, entries.size() - HISTORY_LIMIT), entries.size()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReleasePolicyStatus that
        && phase == that.phase && Objects.equals(stable, that.stable)
        && Objects.equals(candidate, that.candidate) && Objects.equals(stableTemplate, that.stableTemplate)
        && Objects.equals(candidateTemplate, that.candidateTemplate)
        && Objects.equals(canaryWeight, that.canaryWeight) && Objects.equals(step, that.step)
        && Objects.equals(stepStartedAt, that.stepStartedAt) && Objects.equals(failures, that.failures)
        && Objects.equals(evidence, that.evidence) && Objects.equals(sequential, that.sequential)
        && Objects.equals(conditions, that.conditions)
        && Objects.equals(history, that.history) && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(releaseStartedAt, that.releaseStartedAt) && Objects.equals(analyzedAt, that.analyzedAt)
        && Objects.equals(inconclusiveSince, that.inconclusiveSince) && Objects.equals(errorSince, that.errorSince)
        && Objects.equals(failuresByCheck, that.failuresByCheck)
        && Objects.equals(awaitingPromotion, that.awaitingPromotion) && Objects.equals(paused, that.paused)
        && Objects.equals(reason, that.reason) && Objects.equals(actions, that.actions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, stable, candidate, stableTemplate, candidateTemplate, canaryWeight, step, stepStartedAt, failures,
        evidence, sequential, conditions, history, observedGeneration, releaseStartedAt, analyzedAt, inconclusiveSince,
        errorSince, failuresByCheck, awaitingPromotion, paused, reason, actions);
  }
}
