package io.keelson.agent.cli;

/** Carried by what ends a command: the process's exit status for it. */
public interface ExitStatus {

  int exitStatus();

  /** The exit status for a command that ended with {@code failure}: its own, else 1. */
  static int of(Throwable failure) {
    return failure instanceof ExitStatus status ? status.exitStatus() : 1;
  }
}
