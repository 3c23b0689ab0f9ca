package io.keelson.testkit;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** See {@link ControlPlaneTest}. */
public final class ControlPlaneExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ControlPlaneExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    ControlPlane plane = controlPlane(context);
    ControlPlaneTest settings = context.getRequiredTestClass().getAnnotation(ControlPlaneTest.class);
    if (settings != null) {
      for (String crds : settings.crds()) {
        plane.installCrds(crds);
      }
      if (settings.gatewayApi()) {
        plane.installGatewayApiCrds();
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    String name = namespaceFor(context.getRequiredTestClass().getSimpleName());
    controlPlane(context).client().namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    context.getStore(STORE).put(TestNamespace.class, new TestNamespace(name));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace namespace = context.getStore(STORE).remove(TestNamespace.class, TestNamespace.class);
    if (namespace != null) {
      // Without a namespace controller the namespace stays Terminating; it is unique, so that is harmless.
      controlPlane(context).client().namespaces().withName(namespace.name()).delete();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == ControlPlane.class || type == KubernetesClient.class
        || (type == TestNamespace.class && context.getTestMethod().isPresent());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == TestNamespace.class) {
      return context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
    }
    ControlPlane plane = controlPlane(context);
    return type == ControlPlane.class ? plane : plane.client();
  }

  /** One control plane for the whole test run, stopped by JUnit when the run ends. */
  private static ControlPlane controlPlane(ExtensionContext context) {
    return context.getRoot().getStore(STORE)
        .getOrComputeIfAbsent(ControlPlane.class, key -> ControlPlane.start(), ControlPlane.class);
  }

  static String namespaceFor(String testClass) {
    String base = testClass.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    return "t-" + base + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF), 36);
  }
}
