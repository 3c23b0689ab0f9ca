package io.keelson.agent.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.events.EventRecorder;
import io.keelson.agent.git.GitSource;
import io.keelson.agent.git.GitSourceSettings;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.agent.model.ObjectRef;
import io.keelson.agent.plan.Action;
import io.keelson.agent.status.SourceViews;
import io.keelson.agent.sync.DriftCorrection;
import io.keelson.agent.sync.ResourceManager;
import io.keelson.agent.sync.SyncOptions;
import io.keelson.agent.sync.Synchronizer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller is the only writer of its source's view: no change to it is lost to another. */
class SourceControllerTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final long DEADLINE_SECONDS = 60;

  @Test
  void aDriftReportMadeWhileAReconcileUpdatesTheViewIsKept(@TempDir Path dir) throws Exception {
    HeldClock clock = new HeldClock();
    // Nothing listens there: the drift report's Event is best effort and fails at once.
    Config unreachable = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1")
        .withRequestRetryBackoffLimit(0).build();
    String missingRepo = dir.resolve("missing.git").toUri().toString();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(unreachable).build();
        SourceController controller = new SourceController("apps", List.of("apps"),
            new GitSource(GitSourceSettings.of("apps", missingRepo, "main"), dir.resolve("cache")),
            drift -> new Synchronizer(new ResourceManager(client, clock), SyncOptions.defaults("apps", "keelson",
                "default"), clock, drift),
            new AgentMetrics(new PrometheusRegistry()), new EventRecorder(client, "keelson", "test", clock), clock,
            SourceViews.initial("apps", missingRepo, "main", List.of("apps")), view -> { }, (s, r, v) -> { })) {
      Thread reconcile = new Thread(controller::reconcile, "reconcile");
      clock.holdNextReadingOn(reconcile);
      reconcile.start();
      // The reconcile found Git unreachable and is about to mark the source stale.
      assertThat(clock.reading.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("the reconcile reads the clock").isTrue();

      DriftCorrection correction = new DriftCorrection(new ObjectRef("", "v1", "ConfigMap", "shop", "settings"),
          "kubectl-edit", List.of(".data.level"), Action.CONFIGURED, NOW, "");
      controller.driftCorrected(correction);
      clock.release.countDown();
      reconcile.join(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));

      SourceView view = controller.view();
      assertThat(reconcile.isAlive()).isFalse();
      assertThat(view.stale()).as("the reconcile's change is in the view").isTrue();
      assertThat(view.driftCorrections()).as("and so is the drift report made meanwhile")
          .extracting(drift -> drift.object()).containsExactly("ConfigMap shop/settings");
    }
  }

  /** A fixed clock that holds the next reading made on one thread until released. */
  private static final class HeldClock extends Clock {
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private volatile Thread held;

    void holdNextReadingOn(Thread thread) {
      held = thread;
    }

    @Override
    public Instant instant() {
      if (Thread.currentThread() == held) {
        held = null;
        reading.countDown();
        try {
          release.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return NOW;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
