/** Pulling Helm charts from HTTP chart repositories, for render's {@link io.keelson.agent.render.ChartSource}. */
package io.keelson.agent.charts;
