package io.keelson.agent.plan;

/** What a sync did to one object, in the past tense as users read it. */
public enum Action {
  CREATED, CONFIGURED, UNCHANGED, DELETED, SKIPPED, FAILED;

  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
