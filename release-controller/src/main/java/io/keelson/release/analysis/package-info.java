/**
 * Release analysis: what a step's checks ask Prometheus, and what the answers mean. Pure; metrics are read
 * only through {@link io.keelson.release.analysis.MetricProvider}.
 *
 * <h2>Queries</h2>
 * Every query is an instant query evaluated at the window's end; its range is the window's length in whole
 * seconds, so the window starts when the step's weight took effect. With {@code S} the selector
 * {@code {reporter="destination", destination_workload_namespace="<ns>", destination_workload="<workload>"}}
 * and {@code W} the window, e.g. {@code 120s}:
 * <ul>
 *   <li>requests: {@code sum(increase(istio_requests_total S[W]))}
 *   <li>error rate: {@code (sum(increase(istio_requests_total S'[W])) or vector(0)) / <requests>}, where
 *       {@code S'} adds {@code response_code=~"5.."}
 *   <li>latency: {@code histogram_quantile(q, sum by (le) (increase(istio_request_duration_milliseconds_bucket S[W])))}
 *   <li>custom: the template with {@code {{namespace}}}, {@code {{stable}}}, {@code {{canary}}} and
 *       {@code {{window}}} substituted; any other placeholder is an error
 * </ul>
 * The stable workload is the Deployment's name, the canary {@code <name>-canary}. Errors, latency and custom
 * checks are gated on the canary's request count; comparisons on both workloads' counts.
 *
 * <h2>Verdicts</h2>
 * See {@link io.keelson.release.analysis.AnalysisEvaluator}: ERROR when a query failed, INCONCLUSIVE without
 * traffic (or below {@code minRequests}) or without data, FAIL beyond an inclusive threshold, PASS otherwise.
 *
 * <h2>Sequential test</h2>
 * {@link io.keelson.release.analysis.SequentialErrorTest} judges canary vs stable error counts at every look
 * instead of once per window, and fails a clearly worse canary as soon as the evidence suffices, with a
 * false-alarm probability at most α however often it looks (Lindon, Sanden, Shirikian, KDD 2022). It reads
 * {@code sum(increase(istio_requests_total S[W]))} and its 5xx part for both workloads
 * ({@link io.keelson.release.analysis.Analysis#counts}); it only ever FAILs, and the fixed-window checks still
 * judge at the interval's end.
 */
package io.keelson.release.analysis;
