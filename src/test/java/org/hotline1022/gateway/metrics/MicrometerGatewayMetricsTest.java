package org.hotline1022.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.hotline1022.gateway.inquiry.Channel;
import org.junit.jupiter.api.Test;

class MicrometerGatewayMetricsTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerGatewayMetrics metrics = new MicrometerGatewayMetrics(registry);

  @Test
  void everyChannelAndOutcomeIsScrapedAtZeroBeforeTraffic() {
    Scrape s = Scrape.parse(registry.scrape());
    for (Channel c : Channel.values()) {
      for (String o : MicrometerGatewayMetrics.OUTCOMES) {
        assertThat(s.samples()).as(c.tag() + "/" + o).anyMatch(x -> x.name().equals("hotline_inquiries_received_total")
            && x.labels().equals(Map.of("channel", c.tag(), "outcome", o)) && x.value() == 0);
      }
    }
  }

  @Test
  void aTopicAndDepartmentNoLongerCountedReadsZeroInsteadOfVanishing() {
    metrics.openInquiries(Map.of("medical", Map.of("SYT", 3L), "security_order", Map.of("CA", 2L)));
    metrics.openInquiries(Map.of("medical", Map.of("SYT", 1L)));
    Scrape s = Scrape.parse(registry.scrape());
    assertThat(s.sum("hotline_inquiries_open", Map.of("topic", "medical", "department", "SYT"))).isEqualTo(1);
    assertThat(s.samples()).anyMatch(x -> x.name().equals("hotline_inquiries_open") && x.labels().get("department").equals("CA")
        && x.value() == 0);
  }

  @Test
  void ackLatencyBucketsIncludeTheFiftyMillisecondTarget() {
    metrics.ackLatency(Channel.WEB, 30_000_000L);
    Scrape s = Scrape.parse(registry.scrape());
    assertThat(s.sum("hotline_intake_ack_latency_seconds_bucket", Map.of("channel", "web", "le", "0.05"))).isEqualTo(1);
    assertThat(s.sum("hotline_intake_ack_latency_seconds_bucket", Map.of("channel", "web", "le", "0.025"))).isZero();
  }
}
