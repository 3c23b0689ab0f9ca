package io.keelson.release;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;

/**
 * Decisions stay pure: the model, the render transform, the analysis, the routing design and the release
 * strategy never reach a client, HTTP or the agent; the strategy not even the wall clock. The analysis reads
 * metrics only through its {@code MetricProvider} and calls webhooks only through its {@code WebhookCaller};
 * talking to the mesh is the Istio router's job alone.
 */
@AnalyzeClasses(packages = "io.keelson.release", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule purePackagesUseNoClientAndNoHttp = noClasses()
      .that().resideInAnyPackage("io.keelson.release.model..", "io.keelson.release.deploy..",
          "io.keelson.release.analysis..", "io.keelson.release.strategy..", "io.keelson.release.traffic..")
      .should().dependOnClassesThat().resideInAnyPackage(
          "io.fabric8.kubernetes.client..", "io.fabric8.istio.client..", "java.net.http..", "io.vertx..",
          "okhttp3..", "io.keelson.release.prometheus..", "io.keelson.release.webhook..");

  @ArchTest
  static final ArchRule theStrategyReadsNoClock = noClasses()
      .that().resideInAPackage("io.keelson.release.strategy..")
      .should().callMethod(Instant.class, "now")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().dependOnClassesThat().areAssignableTo(Clock.class);

  @ArchTest
  static final ArchRule onlyTheIstioRouterUsesTheIstioClient = noClasses()
      .that().resideOutsideOfPackage("io.keelson.release.istio..")
      .should().dependOnClassesThat().resideInAPackage("io.fabric8.istio.client..");

  @ArchTest
  static final ArchRule theReleaseControllerDoesNotDependOnTheAgent = noClasses()
      .should().dependOnClassesThat().resideInAPackage("io.keelson.agent..");
}
