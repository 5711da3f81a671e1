package org.hotline1022.gateway.config;

/** The one HTTP port: web portal, agents, webhooks, metrics and health. */
public record HttpConfig(String host, int port, int instances) {}
