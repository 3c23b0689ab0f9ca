package io.keelson.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.keelson.agent.git.GitSourceException.Reason;
import org.eclipse.jgit.api.errors.TransportException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Git failures are told apart by their reason; a port number that contains 401 is not an HTTP 401. */
class FailureClassificationTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "git://127.0.0.1:40137/config.git: Connection refused | UNREACHABLE",
      "http://127.0.0.1:40312/git/config.git: 403 Forbidden | AUTH",
      "https://git.example/config.git: not authorized | AUTH",
      "http://127.0.0.1:8080/git/config.git: 401 Unauthorized | AUTH",
      "git://127.0.0.1:41403/config.git: remote hung up unexpectedly | UNREACHABLE",
      "https://git.example/config.git: Read timed out | TIMEOUT"})
  void classifiesByWhatWentWrong(String message, Reason reason) {
    assertThat(GitSource.classify(new TransportException(message))).isEqualTo(reason);
  }
}
