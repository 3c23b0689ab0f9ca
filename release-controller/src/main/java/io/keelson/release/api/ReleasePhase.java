package io.keelson.release.api;

/** Where a release stands (DESIGN §3). Serialized by name, as the CRD's enum lists them. */
public enum ReleasePhase {
  /** Nothing to release: the stable template is what Git declares. */
  Idle,
  /** The canary is being deployed beside stable and must become ready. */
  Deploying,
  /** The header-based test route reaches the canary; its checks run. */
  Testing,
  /** A share of production requests is copied to the canary, its answers discarded; its checks run. */
  Mirroring,
  /** The canary's weight is stepped up, with checks at every step. */
  Progressing,
  /** Stable rolls to the candidate while the canary keeps its weight; then 100% stable and drain. */
  Promoting,
  /** The candidate is the new stable. */
  Succeeded,
  /** A check failed: 100% to stable, test route removed. */
  RollingBack,
  /** The candidate was rolled back and stays out until Git changes. */
  Failed
}
