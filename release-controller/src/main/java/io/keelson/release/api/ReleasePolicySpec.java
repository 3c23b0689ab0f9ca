package io.keelson.release.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/** The release policy as committed to Git. Every field is optional in Java; the CRD schema says which are required. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReleasePolicySpec {

  /** The Deployment, in the policy's namespace, this policy governs. */
  private TargetRef targetRef;
  /** The Service fronting the Deployment and how its mesh host is routed. */
  private ServiceSpec service;
  /** The header-based test route tried before any weighted traffic; absent = go straight to weights. */
  private TestRoute testRoute;
  /** Production requests copied to the canary (answers discarded) before its first weight; absent = no mirroring. */
  private Mirror mirror;
  /** The traffic weights the canary is stepped through, and how long each step lasts. */
  private Steps steps;
  /** The checks run at every step; a candidate is never promoted without every check passing. */
  private List<Check> checks;
  /** The anytime-valid test that rolls a clearly worse canary back between checks; absent = off. */
  private Sequential sequential;
  /** How many failed checks (counted per {@link #failureCounting}) roll the release back. */
  private Integer failureThreshold;
  /** Whether {@link #failureThreshold} counts consecutive or all failures of a release. */
  private FailureCounting failureCounting;
  /** How long INCONCLUSIVE verdicts may hold a step before they count as a failure, e.g. "5m". */
  private String inconclusiveBudget;
  /** How long ERROR verdicts (metrics unreachable) may hold a step before they count as a failure. */
  private String errorBudget;
  /** The longest a whole release may take before it is rolled back, e.g. "1h". */
  private String progressDeadline;
  /** What a new Git candidate does to a release in progress. */
  private OnNewCandidate onNewCandidate;
  /** Where release events are posted. */
  private Notifications notifications;
  /** When true, the release waits for an explicit promote action before promotion. */
  private Boolean manualGate;
  /** Replicas of the canary Deployment; absent = the replicas Git declares for the Deployment. */
  private Integer canaryReplicas;
  /** Which routing API carries the traffic; absent = the agent's configured default. */
  private RouterKind router;

  public TargetRef getTargetRef() {
    return targetRef;
  }

  public void setTargetRef(TargetRef targetRef) {
    this.targetRef = targetRef;
  }

  public ServiceSpec getService() {
    return service;
  }

  public void setService(ServiceSpec service) {
    this.service = service;
  }

  public TestRoute getTestRoute() {
    return testRoute;
  }

  public void setTestRoute(TestRoute testRoute) {
    this.testRoute = testRoute;
  }

  public Mirror getMirror() {
    return mirror;
  }

  public void setMirror(Mirror mirror) {
    this.mirror = mirror;
  }

  public Steps getSteps() {
    return steps;
  }

  public void setSteps(Steps steps) {
    this.steps = steps;
  }

  public List<Check> getChecks() {
    return checks;
  }

  public void setChecks(List<Check> checks) {
    this.checks = checks;
  }

  public Sequential getSequential() {
    return sequential;
  }

  public void setSequential(Sequential sequential) {
    this.sequential = sequential;
  }

  public Integer getFailureThreshold() {
    return failureThreshold;
  }

  public void setFailureThreshold(Integer failureThreshold) {
    this.failureThreshold = failureThreshold;
  }

  public FailureCounting getFailureCounting() {
    return failureCounting;
  }

  public void setFailureCounting(FailureCounting failureCounting) {
    this.failureCounting = failureCounting;
  }

  public String getInconclusiveBudget() {
    return inconclusiveBudget;
  }

  public void setInconclusiveBudget(String inconclusiveBudget) {
    this.inconclusiveBudget = inconclusiveBudget;
  }

  public String getErrorBudget() {
    return errorBudget;
  }

  public void setErrorBudget(String errorBudget) {
    this.errorBudget = errorBudget;
  }

  public String getProgressDeadline() {
    return progressDeadline;
  }

  public void setProgressDeadline(String progressDeadline) {
    this.progressDeadline = progressDeadline;
  }

  public OnNewCandidate getOnNewCandidate() {
    return onNewCandidate;
  }

  public void setOnNewCandidate(OnNewCandidate onNewCandidate) {
    this.onNewCandidate = onNewCandidate;
  }

  public Notifications getNotifications() {
    return notifications;
  }

  public void setNotifications(Notifications notifications) {
    this.notifications = notifications;
  }

  public Boolean getManualGate() {
    return manualGate;
  }

  public void setManualGate(Boolean manualGate) {
    this.manualGate = manualGate;
  }

  public Integer getCanaryReplicas() {
    return canaryReplicas;
  }

  public void setCanaryReplicas(Integer canaryReplicas) {
    this.canaryReplicas = canaryReplicas;
  }

  public RouterKind getRouter() {
    return router;
  }

  public void setRouter(RouterKind router) {
    this.router = router;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReleasePolicySpec that
        && Objects.equals(targetRef, that.targetRef) && Objects.equals(service, that.service)
        && Objects.equals(testRoute, that.testRoute) && Objects.equals(mirror, that.mirror)
        && Objects.equals(steps, that.steps)
        && Objects.equals(checks, that.checks) && Objects.equals(sequential, that.sequential)
        && Objects.equals(failureThreshold, that.failureThreshold)
        && failureCounting == that.failureCounting
        && Objects.equals(inconclusiveBudget, that.inconclusiveBudget)
        && Objects.equals(errorBudget, that.errorBudget)
        && Objects.equals(progressDeadline, that.progressDeadline) && onNewCandidate == that.onNewCandidate
        && Objects.equals(notifications, that.notifications) && Objects.equals(manualGate, that.manualGate)
        && Objects.equals(canaryReplicas, that.canaryReplicas) && router == that.router;
  }

  @Override
  public int hashCode() {
    return Objects.hash(targetRef, service, testRoute, mirror, steps, checks, sequential, failureThreshold,
        failureCounting, inconclusiveBudget, errorBudget, progressDeadline, onNewCandidate, notifications,
        manualGate, canaryReplicas, router);
  }
}
