package io.keelson.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Decisions stay pure: the model, planning, inventory, health and render packages do no I/O over the network. */
@AnalyzeClasses(packages = "io.keelson.agent", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule pureDecisionsUseNoClient = noClasses()
      .that().resideInAnyPackage("..agent.model..", "..agent.plan..", "..agent.inventory..", "..agent.health..",
          "..agent.render..")
      .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..", "java.net.http..",
          "io.vertx..", "org.eclipse.jetty..", "jakarta.ws.rs..", "org.eclipse.jgit..")
      .because("decisions are pure functions; only the sync package talks to the API server");

  @ArchTest
  static final ArchRule syncDoesNotLeakIntoDecisions = noClasses()
      .that().resideInAnyPackage("..agent.model..", "..agent.plan..", "..agent.inventory..", "..agent.health..",
          "..agent.render..")
      .should().dependOnClassesThat().resideInAPackage("..agent.sync..")
      .because("the I/O layer depends on decisions, never the other way round");
}
