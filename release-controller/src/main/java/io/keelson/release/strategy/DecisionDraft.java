package io.keelson.release.strategy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.release.api.HistoryEntry;
import io.keelson.release.api.ReleaseIdentity;
import io.keelson.release.api.ReleasePhase;
import io.keelson.release.api.ReleasePolicySpec;
import io.keelson.release.api.ReleasePolicyStatus;
import io.keelson.release.deploy.ReleaseAwareRender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One decision in the making: the inputs, and {@link #next}, a deep copy of the input status that the
 * transitions edit. The status changes every transition shares (start a release, start a step, roll
 * back, finish) live here, so each is written once.
 */
final class DecisionDraft {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  final PolicyRules rules;
  final ReleasePolicyStatus before;
  final ReleasePolicyStatus next;
  final Observation observation;
  final Instant now;
  private final ReleaseAwareRender.Release release;
  private final List<String> notes = new ArrayList<>();

  DecisionDraft(ReleasePolicySpec spec, ReleasePolicyStatus status, Observation observation, Instant now) {
    this.rules = new PolicyRules(spec);
    this.before = status == null ? new ReleasePolicyStatus() : status;
    this.next = copy(this.before);
    this.observation = observation;
    this.now = now;
    // The render may have read an older status than this one (ticks run between syncs): Git is seen through
    // the status decided on, so a release just finished is never taken for one yet to start.
    this.release = observation.release() == null ? null
        : ReleaseAwareRender.restated(observation.release(), rules.onNewCandidate(), status);
  }

  /** Adds a remark (a refused action, a queued candidate) to the tick's message. */
  void note(String note) {
    notes.add(note);
  }

  String withNotes(String message) {
    return notes.isEmpty() ? message : message + " (" + String.join("; ", notes) + ")";
  }

  /** What Git declares for the governed Deployment, seen through the status decided on; null if nothing. */
  ReleaseAwareRender.Release release() {
    return release;
  }

  ReleasePhase phase() {
    return next.getPhase() == null ? ReleasePhase.Idle : next.getPhase();
  }

  int step() {
    return next.getStep() == null ? 0 : next.getStep();
  }

  int weight() {
    return next.getCanaryWeight() == null ? 0 : next.getCanaryWeight();
  }

  String candidateHash() {
    return next.getCandidate() == null ? null : next.getCandidate().templateHash();
  }

  /** Git declares a template other than the candidate being released. */
  boolean gitMovedOn() {
    return !release().gitTemplateHash().equals(candidateHash());
  }

  Instant stepStartedAt() {
    return instant(next.getStepStartedAt()).orElse(now);
  }

  Duration since(String time) {
    return Duration.between(instant(time).orElse(now), now);
  }

  boolean liveRoutesAllStable() {
    return observation.routes() != null && observation.routes().allStable();
  }

  /** Where the release stands, as the first words of a message. */
  String position() {
    return switch (phase()) {
      case Testing -> "testing " + candidateHash() + " via header " + rules.testHeader();
      case Mirroring -> "mirroring " + rules.mirrorPercentage() + "% of production to " + candidateHash();
      case Progressing -> "step " + step() + "/" + rules.weights().size() + " at " + weight() + "%";
      default -> phase().name().toLowerCase() + " " + candidateHash();
    };
  }

  /** A new release of the template Git declares: attempt one more than any earlier release of it. */
  void startRelease() {
    String hash = release().gitTemplateHash();
    next.setCandidate(new ReleaseIdentity(hash, observation.gitRevision(), previousAttempts(hash) + 1));
    next.setCandidateTemplate(release().gitTemplate());
    next.setPhase(ReleasePhase.Deploying);
    next.setReleaseStartedAt(now.toString());
    next.setCanaryWeight(0);
    next.setStep(null);
    next.setStepStartedAt(null);
    next.setEvidence(null);
    next.setSequential(null);
    next.setFailures(0);
    next.setFailuresByCheck(null);
    next.setReason(null);
    clearStepClocks();
  }

  void startStep(int step, int weight) {
    next.setPhase(step == 0 ? ReleasePhase.Testing : ReleasePhase.Progressing);
    next.setStep(step);
    next.setCanaryWeight(weight);
    next.setStepStartedAt(now.toString());
    clearStepClocks();
  }

  /** The current step's window starts again now, in the same phase, at the same weight. */
  void restartStep() {
    next.setStepStartedAt(now.toString());
    clearStepClocks();
  }

  /** Copies of production requests to the canary, at weight 0; its answers are discarded. */
  void startMirror() {
    startStep(0, 0);
    next.setPhase(ReleasePhase.Mirroring);
  }

  void startPromotion(String reason) {
    next.setPhase(ReleasePhase.Promoting);
    next.setStepStartedAt(now.toString());
    next.setReason(reason);
    clearStepClocks();
  }

  /** Traffic back to stable now; the release fails once the live routes confirm it. */
  void rollBack(String reason) {
    next.setPhase(ReleasePhase.RollingBack);
    next.setCanaryWeight(0);
    next.setReason(reason);
    next.setPaused(null);
    clearStepClocks();
  }

  void fail() {
    record(ReleasePhase.Failed);
    next.setCandidateTemplate(null);
    next.setPhase(ReleasePhase.Failed);
    next.setCanaryWeight(0);
    next.setStepStartedAt(null);
    next.setReleaseStartedAt(null);
  }

  void succeed() {
    next.setReason("promoted: stable runs " + candidateHash());
    record(ReleasePhase.Succeeded);
    // What was released is the candidate of this release, not a newer template queued in Git since.
    next.setStableTemplate(next.getCandidateTemplate() != null ? next.getCandidateTemplate() : release().gitTemplate());
    next.setStable(next.getCandidate());
    next.setCandidate(null);
    next.setCandidateTemplate(null);
    next.setPhase(ReleasePhase.Succeeded);
    next.setCanaryWeight(0);
    next.setStep(null);
    next.setStepStartedAt(null);
    next.setReleaseStartedAt(null);
    clearStepClocks();
  }

  void clearStepClocks() {
    next.setAnalyzedAt(null);
    next.setInconclusiveSince(null);
    next.setErrorSince(null);
    next.setAwaitingPromotion(null);
  }

  private void record(ReleasePhase outcome) {
    next.recordHistory(new HistoryEntry(next.getCandidate(), outcome, now.toString(), next.getReason()));
  }

  private int previousAttempts(String hash) {
    int attempts = 0;
    if (next.getCandidate() != null && hash.equals(next.getCandidate().templateHash())) {
      attempts = attempt(next.getCandidate());
    }
    List<HistoryEntry> history = next.getHistory() == null ? List.of() : next.getHistory();
    for (HistoryEntry entry : history) {
      if (entry.release() != null && hash.equals(entry.release().templateHash())) {
        attempts = Math.max(attempts, attempt(entry.release()));
      }
    }
    return attempts;
  }

  private static int attempt(ReleaseIdentity identity) {
    return identity.attempt() == null ? 1 : identity.attempt();
  }

  static Optional<Instant> instant(String time) {
    return time == null ? Optional.empty() : Optional.of(Instant.parse(time));
  }

  private static ReleasePolicyStatus copy(ReleasePolicyStatus status) {
    try {
      return MAPPER.readValue(MAPPER.writeValueAsBytes(status), ReleasePolicyStatus.class);
    } catch (IOException e) {
      throw new UncheckedIOException("release policy status cannot be copied", e);
    }
  }
}
