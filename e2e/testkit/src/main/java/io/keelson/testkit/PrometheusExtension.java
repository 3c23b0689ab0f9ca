package io.keelson.testkit;

import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a {@link PrometheusServer} (scrape interval 1 s), one per test class, stopped when the class
 * is done. Use with {@code @ExtendWith(PrometheusExtension.class)}.
 */
public final class PrometheusExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(PrometheusExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PrometheusServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext classContext = context.getTestMethod().isPresent() ? context.getParent().orElseThrow() : context;
    return classContext.getStore(STORE).getOrComputeIfAbsent(PrometheusServer.class,
        key -> PrometheusServer.start(Duration.ofSeconds(1)), PrometheusServer.class);
  }
}
