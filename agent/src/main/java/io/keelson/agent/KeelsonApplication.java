package io.keelson.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.metrics.servlets.HealthCheckServlet;
import io.dropwizard.metrics.servlets.PingServlet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.keelson.agent.api.StatusView.SourceView;
import io.keelson.agent.auth.BearerTokens;
import io.keelson.agent.cli.DiffCommand;
import io.keelson.agent.cli.ExitStatus;
import io.keelson.agent.cli.RenderCommand;
import io.keelson.agent.cli.StatusCommand;
import io.keelson.agent.config.GitSettings;
import io.keelson.agent.config.KeelsonConfiguration;
import io.keelson.agent.config.ReleaseControllerSettings;
import io.keelson.agent.config.SourceSettings;
import io.keelson.agent.events.EventRecorder;
import io.keelson.agent.git.GitSource;
import io.keelson.agent.checks.KubernetesHealthCheck;
import io.keelson.agent.checks.SourcesHealthCheck;
import io.keelson.agent.leader.LeaderState;
import io.keelson.agent.leader.Leadership;
import io.keelson.agent.leader.SourceLeases;
import io.keelson.agent.leader.WriteFence;
import io.keelson.agent.metrics.AgentMetrics;
import io.keelson.agent.model.Ownership;
import io.keelson.agent.render.sops.SopsDecryptor;
import io.keelson.agent.resources.ReleasesResource;
import io.keelson.agent.resources.SourcesResource;
import io.keelson.agent.resources.StatusPageResource;
import io.keelson.agent.resources.StatusResource;
import io.keelson.agent.resources.WebhookResource;
import io.keelson.agent.schedule.ReleaseFollowUp;
import io.keelson.agent.schedule.ReleaseTicks;
import io.keelson.agent.schedule.SyncScheduler;
import io.keelson.agent.source.SourceController;
import io.keelson.agent.status.ReleaseViews;
import io.keelson.agent.status.SourceViews;
import io.keelson.agent.status.StatusService;
import io.keelson.agent.status.StatusStore;
import io.keelson.agent.sync.CipherOrder;
import io.keelson.agent.sync.ResourceManager;
import io.keelson.agent.sync.SyncOptions;
import io.keelson.agent.sync.Synchronizer;
import io.keelson.release.analysis.Analysis;
import io.keelson.release.controller.ReleaseController;
import io.keelson.release.controller.ReleaseReconciler;
import io.keelson.release.controller.WebhookNotifier;
import io.keelson.release.api.RouterKind;
import io.keelson.release.gatewayapi.GatewayApiRouter;
import io.keelson.release.istio.IstioRouter;
import io.keelson.release.traffic.RouterChoice;
import io.keelson.release.traffic.TrafficRouter;
import io.keelson.release.prometheus.PrometheusProvider;
import io.keelson.release.webhook.HttpWebhookCaller;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent: the only place objects are constructed and wired. */
public class KeelsonApplication extends Application<KeelsonConfiguration> {

  private static final Logger LOG = LoggerFactory.getLogger(KeelsonApplication.class);

  public static void main(String[] args) throws Exception {
    new KeelsonApplication().run(args);
  }

  @Override
  public String getName() {
    return "keelson-agent";
  }

  @Override
  public void initialize(Bootstrap<KeelsonConfiguration> bootstrap) {
    // ${VAR} and ${VAR:-default} in the configuration file, e.g. the pod's namespace and name.
    bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
        bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    // ISO-8601 times in the status JSON and the stored status, as people and the status page read them.
    bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    bootstrap.addCommand(new StatusCommand());
    bootstrap.addCommand(new RenderCommand());
    bootstrap.addCommand(new DiffCommand());
  }

  /** A command's own exit status ({@code diff}: 1 when it found changes, 2 on an error); 1 otherwise. */
  @Override
  protected void onFatalError(Throwable t) {
    System.exit(ExitStatus.of(t));
  }

  @Override
  public void run(KeelsonConfiguration config, Environment environment) {
    Clock clock = Clock.systemUTC();
    Map<String, String> env = System.getenv();
    config.getReleaseController().retiredSettingWarning().ifPresent(LOG::warn);
    String identity = Optional.ofNullable(config.getIdentity()).filter(s -> !s.isBlank()).orElseGet(
        KeelsonApplication::hostName);
    boolean sharded = config.getLeaderElection().isEnabled() && config.getLeaderElection().isSharded();
    boolean elected = config.getLeaderElection().isEnabled() && !sharded;
    // Sharded, each source's writes are fenced by its own Lease (checked before each of them by the sync
    // engine); the replica's fence then only closes at stop.
    WriteFence fence = elected ? WriteFence.forLease(duration(config.getLeaderElection().getRenewDeadline()))
        : WriteFence.unfenced();
    // Every write of this replica goes through the fence; the Leases are renewed through a client of their own.
    KubernetesClient client = kubernetesClient(config, identity, fence.interceptor());
    KubernetesClient leaseClient = elected || sharded ? kubernetesClient(config, identity, null) : null;
    SourceLeases shards = sharded ? new SourceLeases(leaseClient, config.getAgentNamespace(),
        config.getLeaderElection().getLeaseName(), identity, leaseTiming(config),
        config.getSources().stream().map(SourceSettings::getName).toList()) : null;
    ObjectMapper json = environment.getObjectMapper();

    PrometheusRegistry registry = new PrometheusRegistry();
    AgentMetrics metrics = AgentMetrics.withJvm(registry);
    environment.admin().addServlet("metrics", new PrometheusMetricsServlet(registry)).addMapping("/metrics");
    // The same read-only endpoints on the application port, so probes and Prometheus can reach them while the
    // admin port (tasks that change state, thread dumps; no authentication) stays on 127.0.0.1.
    environment.servlets().addServlet("app-metrics", new PrometheusMetricsServlet(registry)).addMapping("/metrics");
    environment.servlets().addServlet("app-ping", new PingServlet()).addMapping("/ping");
    environment.servlets().addServlet("app-healthcheck", new HealthCheckServlet(environment.healthChecks()))
        .addMapping("/healthcheck");
    EventRecorder events = new EventRecorder(client, config.getAgentNamespace(), identity, clock);
    // The one holder of the client for managed objects, shared by every source.
    ResourceManager resources = new ResourceManager(client, clock);
    StatusStore store = new StatusStore(resources, config.getAgentNamespace(), json);
    Map<String, SourceView> persisted = store.read().stream()
        .collect(Collectors.toMap(SourceView::name, Function.identity(), (a, b) -> a));

    ReleaseController releases = releaseController(config, client, events, metrics, clock, env);
    Map<String, SourceController> controllers = new LinkedHashMap<>();
    // Every source's view is stored together; the map is complete before any source reconciles.
    Supplier<List<SourceView>> liveViews = () -> controllers.values().stream().map(SourceController::view).toList();
    Map<String, Duration> intervals = new LinkedHashMap<>();
    Map<String, String> webhookSecrets = new HashMap<>();
    for (SourceSettings source : config.getSources()) {
      SyncOptions options = syncOptions(config, source)
          .withFence(shards != null ? shards.fence(source.getName()) : fence);
      GitSource git = new GitSource(GitSettings.of(source, env),
          Path.of(config.getCacheDirectory()).resolve(source.getName()));
      String url = git.settings().displayUrl();
      SourceView initial = persisted.containsKey(source.getName())
          ? SourceViews.restored(persisted.get(source.getName()), url)
          : SourceViews.initial(source.getName(), url, source.getRef(), source.getPaths());
      SourceController controller = new SourceController(source.getName(), source.getPaths(), git,
          drift -> new Synchronizer(resources, options, clock, drift), metrics, events, clock, initial,
          changed -> {
            if (shards != null) {
              store.writeSource(changed);
            } else {
              store.write(liveViews.get());
            }
          }, releases::observed);
      controllers.put(source.getName(), controller);
      intervals.put(source.getName(), Duration.ofMillis(source.getInterval().toMilliseconds()));
      if (source.getWebhookSecret() != null) {
        webhookSecrets.put(source.getName(), source.getWebhookSecret().resolve(env));
      }
    }
    SyncScheduler scheduler = new SyncScheduler(controllers, intervals);
    // Sharded, a replica ticks the releases of the sources it holds (a release follows its source's Lease).
    ReleaseTicks ticks = new ReleaseTicks(releases, new ReleaseFollowUp(scheduler, metrics), fence,
        shards != null ? policy -> shards.drives(policy.getMetadata().getLabels()) : policy -> true,
        duration(config.getReleaseController().getResyncInterval()), Ownership.SOURCE_LABEL, clock);
    if (config.getReleaseController().isEnabled()) {
      scheduler.attach(ticks);
    }
    Leadership leadership = elected ? new Leadership(leaseClient,
        config.getAgentNamespace(), config.getLeaderElection().getLeaseName(), identity,
        duration(config.getLeaderElection().getLeaseDuration()), duration(config.getLeaderElection().getRenewDeadline()),
        duration(config.getLeaderElection().getRetryPeriod()), fence, new Leadership.Listener() {
          @Override
          public void startLeading() {
            scheduler.start();
          }

          @Override
          public void stopLeading() {
            scheduler.standby();
            controllers.values().forEach(SourceController::pause);
          }
        }) : null;
    LeaderState leaderState = leadership != null ? leadership : shards != null ? shards : LeaderState.alone(identity);
    StatusService status = new StatusService(identity, version(), liveViews, store, leaderState,
        () -> ReleaseViews.of(releases.lastTicks()), clock);

    environment.lifecycle().manage(new Managed() {
      @Override
      public void start() {
        if (leadership != null) {
          leadership.start();
        } else if (shards != null) {
          scheduler.startSharded();
          shards.start(new SourceLeases.Listener() {
            @Override
            public void startSource(String source) {
              scheduler.resume(source);
              // the source's releases (say, a rollback the former holder began) go on at once
              ticks.tickAll();
            }

            @Override
            public void stopSource(String source) {
              scheduler.pause(source);
              controllers.get(source).pause();
            }
          });
        } else {
          scheduler.start();
        }
      }

      @Override
      public void stop() {
        // Syncs in hand (even in a long health wait) are abandoned before their next write, so stop is prompt.
        fence.close();
        if (shards != null) {
          shards.stopWriting();
        }
        if (leadership != null) {
          leadership.close();
        }
        scheduler.close();
        releases.close();
        controllers.values().forEach(SourceController::close);
        if (shards != null) {
          // The syncs in hand have ended: the Leases can go to the other replicas at once.
          shards.close();
        }
        if (leaseClient != null) {
          leaseClient.close();
        }
        client.close();
      }
    });
    environment.jersey().register(new StatusResource(status));
    environment.jersey().register(new StatusPageResource());
    BearerTokens tokens = new BearerTokens(Optional.ofNullable(config.getApiToken()).map(token -> token.resolve(env)));
    environment.jersey().register(new SourcesResource(scheduler, tokens, leaderState));
    environment.jersey().register(new WebhookResource(scheduler, webhookSecrets, metrics, leaderState));
    environment.jersey().register(new ReleasesResource(releases, tokens, ticks::tickNow,
        leaderState));
    environment.healthChecks().register("kubernetes", new KubernetesHealthCheck(client));
    environment.healthChecks().register("sources", new SourcesHealthCheck(status));
  }

  /**
   * Analysis through Prometheus' HTTP API, routing through Istio or the Gateway API as each policy asks (the
   * configured default otherwise), Events and webhooks on every change.
   */
  private static ReleaseController releaseController(KeelsonConfiguration config, KubernetesClient client,
      EventRecorder events, AgentMetrics metrics, Clock clock, Map<String, String> env) {
    ReleaseControllerSettings settings = config.getReleaseController();
    PrometheusProvider.Options options = PrometheusProvider.Options.defaults()
        .withRequestTimeout(duration(settings.getQueryTimeout()));
    if (settings.getPrometheusToken() != null) {
      options = options.withBearerToken(settings.getPrometheusToken().resolve(env));
    }
    WebhookNotifier webhooks = new WebhookNotifier();
    TrafficRouter router = new RouterChoice(Map.of(RouterKind.ISTIO, new IstioRouter(client),
        RouterKind.GATEWAY_API, new GatewayApiRouter(client)), settings.getRouter());
    ReleaseReconciler reconciler = new ReleaseReconciler(client, router,
        new Analysis(new PrometheusProvider(URI.create(settings.getPrometheusUrl()), options),
            new HttpWebhookCaller(HttpWebhookCaller.DEFAULT_TIMEOUT)),
        (policy, event) -> {
          events.releaseChanged(policy, event);
          if (event.to() != null && event.to() != event.from()) {
            metrics.releasePhase(policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
                event.to().name());
          }
          webhooks.changed(policy, event);
        }, clock);
    return new ReleaseController(client, reconciler, config.getAllowedNamespaces(), clock);
  }

  private static SyncOptions syncOptions(KeelsonConfiguration config, SourceSettings source) {
    return SyncOptions.defaults(source.getName(), config.getAgentNamespace(), source.getDefaultNamespace())
        .withPrune(source.getPrune().toOptions())
        .withAllowedNamespaces(config.getAllowedNamespaces())
        .withDeniedKinds(config.getDeniedKinds())
        .withHealthTimeout(duration(source.getHealthTimeout()))
        .withFullCheckInterval(duration(source.getFullCheckInterval()))
        .withTools(config.getRender().toTools(source.getRender(), System.getenv()))
        .withSops(source.getSops() == null ? SopsDecryptor.withoutKeys() : source.getSops().toDecryptor())
        .withDefaultRouter(config.getReleaseController().getRouter());
  }

  /**
   * A client whose user agent names this replica, so the API server's audit log tells replicas apart;
   * {@code interceptor} (if any) sees every request.
   */
  private static KubernetesClient kubernetesClient(KeelsonConfiguration config, String identity,
      Interceptor interceptor) {
    Config settings;
    try {
      settings = config.getKubeconfig() == null ? Config.autoConfigure(null)
          : Config.fromKubeconfig(Files.readString(Path.of(config.getKubeconfig())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kubeconfig " + config.getKubeconfig(), e);
    }
    settings.setUserAgent("keelson-agent/" + version() + " (" + identity + ")");
    KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(settings);
    builder.withHttpClientBuilderConsumer(http -> {
      CipherOrder.preferChaCha(http);
      if (interceptor != null) {
        http.addOrReplaceInterceptor("write-fence", interceptor);
      }
    });
    return builder.build();
  }

  private static SourceLeases.Timing leaseTiming(KeelsonConfiguration config) {
    return new SourceLeases.Timing(duration(config.getLeaderElection().getLeaseDuration()),
        duration(config.getLeaderElection().getRenewDeadline()), duration(config.getLeaderElection().getRetryPeriod()));
  }

  private static Duration duration(io.dropwizard.util.Duration duration) {
    return Duration.ofMillis(duration.toMilliseconds());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "keelson-agent";
    }
  }

  private static String version() {
    return Optional.ofNullable(KeelsonApplication.class.getPackage().getImplementationVersion()).orElse("dev");
  }
}
