package org.hotline1022.gateway.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Registry-wide filters, applied before Vert.x binds its JVM meters: the three Micrometer JVM meters
 * whose Prometheus names break {@code promtool check metrics} (abbreviated units, a gauge ending in
 * {@code _count}) are dropped or renamed, so the exposition lints clean. CPU load is still there as
 * {@code process_cpu_usage}; the core count becomes {@code system_cpu_cores}.
 */
public final class MeterFilters {
  private MeterFilters() {}

  public static void apply(MeterRegistry registry) {
    registry.config()
        .meterFilter(MeterFilter.denyNameStartsWith("jvm.compilation.time")) // counted in "ms"
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time")) // counted in "ns"
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
          }
        });
  }
}
