package io.keelson.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestCountsTest {

  private static final String EXPOSITION = """
      # HELP apiserver_request_total [STABLE] Counter of apiserver requests
      # TYPE apiserver_request_total counter
      apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="GET",version="v1"} 7
      apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="namespace",subresource="",verb="LIST",version="v1"} 3
      apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="APPLY",version="v1"} 40
      apiserver_request_total{code="200",component="apiserver",dry_run="All",group="",resource="configmaps",scope="resource",subresource="",verb="APPLY",version="v1"} 41
      apiserver_request_total{code="200",component="apiserver",dry_run="",group="apps",resource="deployments",scope="resource",subresource="",verb="DELETE",version="v1"} 2
      apiserver_request_total{code="0",component="apiserver",dry_run="",group="",resource="configmaps",scope="namespace",subresource="",verb="WATCH",version="v1"} 1
      apiserver_request_total{code="200",component="apiserver",dry_run="",group="coordination.k8s.io",resource="leases",scope="resource",subresource="",verb="PUT",version="v1"} 5
      apiserver_request_sli_duration_seconds_count{verb="APPLY"} 99
      """;

  @Test
  void splitsWritesDryRunsLeaseRenewalsAndReads() {
    RequestCounts counts = RequestCounts.parse(EXPOSITION);

    assertThat(counts).isEqualTo(new RequestCounts(11, 42, 41, 5, Map.of("APPLY configmaps", 40L,
        "DELETE deployments", 2L)));
    assertThat(counts.total()).isEqualTo(99);
  }

  @Test
  void theDifferenceIsWhatWasServedInBetween() {
    RequestCounts before = new RequestCounts(10, 5, 1, 2, Map.of("APPLY configmaps", 5L));

    assertThat(new RequestCounts(15, 6, 4, 3, Map.of("APPLY configmaps", 5L, "POST events", 1L)).since(before))
        .isEqualTo(new RequestCounts(5, 1, 3, 1, Map.of("POST events", 1L)));
  }
}
