package io.keelson.agent.render.sops;

/**
 * A SOPS file that cannot be decrypted, or a key that cannot be loaded. The message names the file and the
 * reason; it never carries a value, a key or a data key.
 */
public final class SopsException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final String reason;

  public SopsException(String file, String reason) {
    super(file + ": " + reason, null, false, false);
    this.file = file;
    this.reason = reason;
  }

  /** The file (a manifest or a key file) at fault. */
  public String file() {
    return file;
  }

  /** Why, without the file's name. */
  public String reason() {
    return reason;
  }
}
