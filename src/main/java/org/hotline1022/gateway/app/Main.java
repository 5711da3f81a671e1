package org.hotline1022.gateway.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.intake.Triage;
import org.hotline1022.gateway.metrics.MeterFilters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar hotline-gateway.jar} runs the gateway; {@code classify} runs the classifier on
 * JSON Lines. SIGTERM stops the gateway gracefully within the configured grace period.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    String command = args.length == 0 ? "run" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "run" -> run();
      case "classify" -> System.exit(ClassifyCommand.run(rest, System.in, System.out, System.err));
      case "token" -> System.exit(TokenCommand.run(rest, GatewayConfig.load(), System.out, System.err));
      default -> {
        System.err.println("usage: hotline-gateway.jar [run | classify | token --sub ID --role ROLE ...]");
        System.exit(2);
      }
    }
  }

  private static void run() {
    GatewayConfig config;
    Routing routing;
    Triage triage;
    try {
      config = GatewayConfig.load();
      routing = Routing.load();
      triage = Triages.fromConfig(config, routing);
    } catch (RuntimeException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = newVertx(registry);
    Gateway gateway = new Gateway(vertx, config, registry, routing, triage);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(gateway, vertx, config.shutdownGrace()), "hotline-shutdown"));
    gateway.start().onFailure(e -> {
      LOG.error("gateway failed to start", e);
      // not on the event loop: exit runs the shutdown hook, which waits for Vert.x
      new Thread(() -> System.exit(1), "hotline-exit").start();
    });
  }

  /**
   * SIGTERM (or SIGINT, or exit after a failed start): one future chain stops the gateway gracefully
   * and closes Vert.x. It must end within {@code grace}: past the deadline the process halts with a
   * log line, whatever still hangs (Kubernetes would SIGKILL it a little later anyway, unlogged).
   */
  static void shutdown(Gateway gateway, Vertx vertx, Duration grace) {
    long begin = System.nanoTime();
    long deadline = begin + grace.toNanos() - HALT_MARGIN_NANOS;
    LOG.info("shutdown requested [graceSeconds: {}]", grace.toSeconds());
    try {
      gateway.stop(deadline).transform(ar -> vertx.close()).toCompletionStage().toCompletableFuture()
          .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      LOG.info("shutdown complete; exiting [tookMs: {}]", (System.nanoTime() - begin) / 1_000_000);
    } catch (TimeoutException e) {
      LOG.error("shutdown deadline reached; halting now [graceSeconds: {}, tookMs: {}]", grace.toSeconds(),
          (System.nanoTime() - begin) / 1_000_000);
      Runtime.getRuntime().halt(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().halt(1);
    } catch (ExecutionException e) {
      LOG.error("shutdown failed; exiting [tookMs: {}]", (System.nanoTime() - begin) / 1_000_000, e.getCause());
    }
  }

  /** The process is gone this long before the grace period ends, so the exit is ours, not a SIGKILL. */
  private static final long HALT_MARGIN_NANOS = 500_000_000L;

  /** A Vert.x with Micrometer metrics feeding the given Prometheus registry. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    MeterFilters.apply(registry);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .setJvmMetricsEnabled(true)
            // bounded labels only: route templates, never raw paths, remote addresses or event-bus reply addresses
            .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
                Label.EB_SIDE, Label.EB_FAILURE))
            .setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }
}
