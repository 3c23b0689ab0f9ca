package io.keelson.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the real control plane: one etcd + kube-apiserver shared by the test run,
 * a fresh namespace per test ({@link TestNamespace}), and the named CRDs (and optionally the Gateway API's)
 * installed and Established.
 * Test methods may take {@link ControlPlane}, {@link io.fabric8.kubernetes.client.KubernetesClient}
 * (the shared admin client) and {@link TestNamespace} parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ControlPlaneExtension.class)
public @interface ControlPlaneTest {

  /** Classpath resources holding CustomResourceDefinitions to install before the class runs. */
  String[] crds() default {};

  /** Whether to install the Gateway API's CRDs too (standard channel, the pinned release). */
  boolean gatewayApi() default false;
}
