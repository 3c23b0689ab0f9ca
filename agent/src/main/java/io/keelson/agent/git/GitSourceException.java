package io.keelson.agent.git;

/** A Git operation failed; {@link #reason()} says what to tell the on-call engineer and whether to retry. */
public class GitSourceException extends RuntimeException {

  /** Why an operation failed. */
  public enum Reason {
    /** The server could not be reached: DNS, connection refused, TLS or network error. Retry with backoff. */
    UNREACHABLE,
    /** The server refused the credentials, or SSH host key checking failed. */
    AUTH,
    /** The repository or the configured ref does not exist on the server. */
    NOT_FOUND,
    /** The head commit is unsigned, signed by an untrusted key, or its signature is invalid. */
    SIGNATURE,
    /** An operation did not finish within the configured timeout. */
    TIMEOUT,
    /** The local cache or the received objects are damaged, or the checkout could not be written. */
    CORRUPT
  }

  private final Reason reason;

  public GitSourceException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public GitSourceException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
