package io.keelson.agent.render;

/**
 * A problem inside one document, raised while its value is built and caught at the document boundary.
 * The reason never quotes a scalar value: the document may be a Secret.
 */
final class ParseFailure extends RuntimeException {

  private final int line;

  ParseFailure(int line, String reason) {
    super(reason, null, false, false);
    this.line = line;
  }

  int line() {
    return line;
  }

  String reason() {
    return getMessage();
  }
}
