package io.keelson.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Memory and CPU of a running process, as Linux accounts them in {@code /proc/<pid>}. */
public record ProcessUsage(long residentBytes, long peakResidentBytes, Duration cpuTime) {

  /** What {@code process} uses now: resident set (VmRSS), its peak so far (VmHWM), user + system CPU. */
  public static ProcessUsage of(ProcessHandle process) {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    try {
      java.util.List<String> lines = Files.readAllLines(status);
      return new ProcessUsage(kibibytes(lines, "VmRSS:") * 1024, kibibytes(lines, "VmHWM:") * 1024,
          process.info().totalCpuDuration().orElse(Duration.ZERO));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + status, e);
    }
  }

  private static long kibibytes(java.util.List<String> lines, String field) {
    Optional<String> line = lines.stream().filter(l -> l.startsWith(field)).findFirst();
    return line.map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
  }
}
