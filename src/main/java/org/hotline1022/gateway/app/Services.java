package org.hotline1022.gateway.app;

import io.micrometer.core.instrument.MeterRegistry;
import org.hotline1022.gateway.agent.AuthKeys;
import org.hotline1022.gateway.agent.SessionCounts;
import org.hotline1022.gateway.stream.StreamHead;
import org.hotline1022.gateway.adapter.web.WebPortal;
import org.hotline1022.gateway.config.GatewayConfig;
import org.hotline1022.gateway.health.Readiness;
import org.hotline1022.gateway.inquiry.Routing;
import org.hotline1022.gateway.intake.CallIntake;
import org.hotline1022.gateway.intake.Triage;
import org.hotline1022.gateway.metrics.GatewayMetrics;
import org.hotline1022.gateway.store.DbEndpoint;

/**
 * What the gateway's verticles are built from: immutable config and thread-safe shared services,
 * created once by {@link Gateway} and handed to each verticle's constructor.
 */
record Services(
    GatewayConfig config,
    DbEndpoint db,
    Routing routing,
    Triage triage,
    MeterRegistry registry,
    GatewayMetrics metrics,
    Readiness readiness,
    WebPortal.Limits webLimits,
    AuthKeys authKeys,
    StreamHead streamHead,
    SessionCounts agentSessions,
    CallIntake callIntake) {}
