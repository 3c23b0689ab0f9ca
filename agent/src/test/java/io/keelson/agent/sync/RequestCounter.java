package io.keelson.agent.sync;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the requests a client sends, telling real writes from reads and dry runs. */
final class RequestCounter implements Interceptor {

  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger dryRuns = new AtomicInteger();
  private final AtomicInteger lists = new AtomicInteger();
  private final AtomicInteger unpagedLists = new AtomicInteger();

  static KubernetesClient client(String kubeconfig, RequestCounter counter) {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
        .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("request-counter", counter))
        .build();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    requests.incrementAndGet();
    String query = request.uri().getRawQuery();
    if (query != null && query.contains("dryRun=All")) {
      dryRuns.incrementAndGet();
    } else if (!request.method().equals("GET")) {
      writes.incrementAndGet();
    } else if (query != null && query.contains("labelSelector=") && !query.contains("watch=")) {
      lists.incrementAndGet();
      if (!query.contains("limit=")) {
        unpagedLists.incrementAndGet();
      }
    }
  }

  void reset() {
    requests.set(0);
    writes.set(0);
    dryRuns.set(0);
    lists.set(0);
    unpagedLists.set(0);
  }

  int requests() {
    return requests.get();
  }

  int writes() {
    return writes.get();
  }

  int dryRuns() {
    return dryRuns.get();
  }

  /** Lists by label (what informers send to fill their caches), one per page. */
  int lists() {
    return lists.get();
  }

  /** Lists by label that asked for every object in one answer. */
  int unpagedLists() {
    return unpagedLists.get();
  }
}
