package io.keelson.agent;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.keelson.agent.checks.KubernetesHealthCheck;
import io.keelson.agent.cli.DiffCommand;
import io.keelson.agent.events.EventRecorder;
import io.keelson.agent.leader.Leadership;
import io.keelson.agent.leader.SourceLeases;
import io.keelson.agent.sync.ApiDiscovery;
import io.keelson.agent.sync.ResourceManager;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent's I/O flows one way: who may hold a Kubernetes client, and no package depends on itself in a loop. */
class AgentArchitectureTest {

  /** Every agent class that may hold a client, and why. */
  private static final Map<Class<?>, String> CLIENT_HOLDERS = Map.of(
      KeelsonApplication.class, "builds the clients and hands them to what it wires",
      ResourceManager.class, "all I/O about managed objects and the agent's own stores goes through it",
      ApiDiscovery.class, "the ResourceManager's discovery, built by it alone",
      Leadership.class, "renews the Lease through a client of its own, outside the write fence",
      SourceLeases.class, "renews the source and heartbeat Leases through that same unfenced client",
      EventRecorder.class, "Events are best-effort notes about objects, never managed objects themselves",
      KubernetesHealthCheck.class, "only asks whether the API server answers",
      DiffCommand.class, "the diff command's connection to the cluster it previews, handed to a ResourceManager");

  private static JavaClasses agent;

  @BeforeAll
  static void importAgent() {
    agent = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.keelson.agent");
  }

  @Test
  void onlyTheNamedClassesHoldAKubernetesClient() {
    noClasses().that(describe("are not named client holders", (JavaClass c) -> !holder(c)))
        .should().dependOnClassesThat().areAssignableTo(KubernetesClient.class)
        .because("the ResourceManager is the one way to the API server for managed objects; the others are "
            + "named with their reason in " + AgentArchitectureTest.class.getSimpleName())
        .check(agent);
  }

  @Test
  void discoveryIsBuiltByTheResourceManagerAlone() {
    constructors().that().areDeclaredIn(ApiDiscovery.class)
        .should().onlyBeCalled().byClassesThat().areAssignableTo(ResourceManager.class)
        .because("one discovery cache per agent, shared by every source")
        .check(agent);
  }

  @Test
  void agentPackagesHaveNoCycles() {
    slices().matching("io.keelson.agent.(*)..").should().beFreeOfCycles().check(agent);
  }

  /** A named holder, or a class nested in one (a lambda's or an anonymous listener's class). */
  private static boolean holder(JavaClass javaClass) {
    String name = javaClass.getName();
    return CLIENT_HOLDERS.keySet().stream()
        .anyMatch(holder -> name.equals(holder.getName()) || name.startsWith(holder.getName() + "$"));
  }
}
